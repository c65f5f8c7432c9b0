import Maildir
import Sieve

/// Everything the delivery agent needs to know about a site, as plain values.
///
/// Every field has a documented default and is a `var`, so the app layer can start from
/// `DeliveryConfiguration()` and assign what its configuration file sets. Path templates
/// are checked when the agent is built (`PathTemplate.init(_:)`), not here.
public struct DeliveryConfiguration: Sendable {
    /// Our host name, written in the `Received:` field (`by MYHOST`). Default `localhost`.
    public var hostname: String = "localhost"
    /// The site's primary DNS domain, what Sieve's `environment "domain"` reports. Default
    /// nil: `hostname` without its first label (`mx1.example.com` → `example.com`).
    ///
    /// - SeeAlso: RFC 5183 §4
    public var domain: String?
    /// Who the users are and where their mail and scripts live.
    public var users: UserConfiguration = UserConfiguration()
    /// How copies are stored.
    public var storage: StorageConfiguration = StorageConfiguration()
    /// Which scripts run and with what Sieve policy.
    public var scripts: ScriptConfiguration = ScriptConfiguration()
    /// Most recipients of one transaction evaluated and stored at the same time. Default 8.
    /// Values below 1 count as 1.
    public var recipientConcurrency: Int = 8
    /// Time allowed for a whole transaction. Recipients not finished in time are answered
    /// `451 4.3.0` (the MTA retries them). Default 300 s, well under the 600 s an MTA
    /// waits for the final reply to DATA (RFC 5321 §4.5.3.2.6).
    public var transactionDeadline: Duration = .seconds(300)
    /// Most bytes of a message parsed for the Sieve scripts to look at. Default 32 MiB.
    /// A longer message is still stored whole (a spooled one copied from its spool), but
    /// scripts see only its first `maximumParsedMessageBytes`: a `body` test misses text
    /// past the cut. `size` is the whole message's when the spool counted it (the LMTP
    /// server's and `sluice deliver`'s spools do), else the cut prefix's.
    ///
    /// Only scripts that may read the body (the `body` extension) make the agent read a
    /// long spooled message at all: for the others it reads the header section alone.
    public var maximumParsedMessageBytes: Int = 32 * 1024 * 1024
    /// How vacation replies and redirects reach the site's MTA, and what a failed
    /// redirect means.
    public var outbound: OutboundConfiguration = OutboundConfiguration()
    /// Vacation's tracking database and sender checks.
    public var vacation: VacationConfiguration = VacationConfiguration()
    /// Site-wide special-use marks and the server annotation file (`[mailboxes]`).
    public var mailboxes: MailboxAttributeConfiguration = MailboxAttributeConfiguration()
    /// The site's lists for Sieve's `:list` and `valid_ext_list` (RFC 6134). Default: none
    /// but the default address book, empty.
    public var lists: [ExternalListName: ExternalListDefinition] = [:]
    /// Who `report` (vnd.dovecot.report) messages are from.
    public var report = ReportConfiguration()

    /// The default configuration: no domains served (every recipient is unknown).
    public init() {}
}

/// The user database's configuration: served domains, a user table, and a template that
/// accepts any local part of a served domain.
public struct UserConfiguration: Sendable {
    /// The domains mail is accepted for, compared case-insensitively (ASCII). Default none.
    public var domains: [String] = []
    /// Users listed one by one, keyed by `localpart@domain` (no subaddress detail). Keys
    /// are matched case-insensitively unless `caseSensitiveLocalParts` is set (the domain
    /// is always case-insensitive). Default empty.
    public var table: [String: UserEntry] = [:]
    /// Whether any local part of a served domain is a user, even when the table does not
    /// list it (its paths come from the templates). Default `true`. When `false`, only
    /// table entries are users and everything else is answered "unknown user".
    public var acceptAnyLocalPart: Bool = true
    /// The separator between a user and a subaddress detail (`joe+lists@x`: user `joe`,
    /// detail `lists`). Each character is a separator on its own (`"+-"`: `joe+x` and
    /// `joe-x` are both `joe`, as Dovecot's `recipient_delimiter`); the first one in the
    /// local part splits. Empty turns subaddressing off.
    /// Default `+`. The same string is given to Sieve's `:user`/`:detail` address parts.
    ///
    /// - SeeAlso: RFC 5233 §3, §4
    public var subaddressDelimiter: String = "+"
    /// Whether local parts are compared exactly. Default `false`: `Joe` and `joe` are the
    /// same user, and `%n` expands lowercased. RFC 5321 §2.4 allows either; almost every
    /// site treats local parts case-insensitively.
    public var caseSensitiveLocalParts: Bool = false
    /// Where a user's Maildir is. Escapes: `%d` domain (always lowercased), `%n` local part
    /// without detail (lowercased unless `caseSensitiveLocalParts`), `%u` the two as
    /// `%n@%d`, `%%` a percent sign. Must give an absolute path. Default
    /// `/var/mail/%d/%n/Maildir`.
    public var maildirTemplate: String = "/var/mail/%d/%n/Maildir"
    /// Where a user's Sieve script is, same escapes; `nil` means users have no scripts.
    /// Default `/var/mail/%d/%n/sieve/active.sieve`.
    public var scriptTemplate: String? = "/var/mail/%d/%n/sieve/active.sieve"
    /// Storage quota for users without one of their own. Default unlimited.
    public var defaultQuota: Quota = Quota()

    /// The default: no domains, any local part accepted once a domain is added.
    public init() {}
}

/// One entry of the user table; `nil` fields fall back to the templates and defaults.
public struct UserEntry: Sendable, Hashable {
    /// This user's Maildir path (templates allowed), or `nil` for `maildirTemplate`.
    public var maildirPath: String?
    /// This user's script path (templates allowed), or `nil` for `scriptTemplate`.
    public var scriptPath: String?
    /// This user's quota, or `nil` for `defaultQuota`.
    public var quota: Quota?
    /// The user's other addresses (`local@domain`). Vacation never answers mail sent
    /// from one of them and counts a message addressed to one of them as addressed to
    /// the user. Default none.
    ///
    /// - SeeAlso: RFC 5230 §4.5, §4.6
    public var aliases: [String]

    /// An entry; every `nil` field falls back to the template or default.
    public init(maildirPath: String? = nil, scriptPath: String? = nil, quota: Quota? = nil, aliases: [String] = []) {
        self.maildirPath = maildirPath
        self.scriptPath = scriptPath
        self.quota = quota
        self.aliases = aliases
    }
}

/// A storage quota: most bytes and most messages over all of a user's folders.
public struct Quota: Sendable, Hashable {
    /// Most bytes, `nil` for no limit. Default `nil`.
    public var maximumBytes: UInt64?
    /// Most messages, `nil` for no limit. Default `nil`.
    public var maximumMessages: UInt64?

    /// A quota with the given limits (`nil`: no limit).
    public init(maximumBytes: UInt64? = nil, maximumMessages: UInt64? = nil) {
        self.maximumBytes = maximumBytes
        self.maximumMessages = maximumMessages
    }

    /// Whether neither limit is set.
    public var isUnlimited: Bool { maximumBytes == nil && maximumMessages == nil }
}

/// How copies are stored in the users' Maildirs.
public struct StorageConfiguration: Sendable {
    /// The Maildir store's own settings: the folder (hierarchy) separator of mailbox
    /// names in `fileinto` (default `/`; `.` always separates levels too), file and
    /// directory modes, line ends on disk (default LF, like Dovecot), the host name in
    /// file names. See `MaildirConfiguration`.
    public var maildir: MaildirConfiguration = MaildirConfiguration()
    /// Whether `fileinto` creates a folder that does not exist yet. Default `true`. When
    /// `false`, only `fileinto :create` creates folders and a missing folder makes the
    /// copy fall back to INBOX (logged).
    public var createMissingFolders: Bool = true
    /// What an over-quota recipient is answered. Default `.temporary` (452 4.2.2: the MTA
    /// keeps the message and retries, so the user can make room).
    public var overQuotaReply: OverQuotaReply = .temporary
    /// The defaults documented on each field.
    public init() {}
}

/// Whether a full mailbox is a temporary or a permanent failure.
///
/// - SeeAlso: RFC 3463 §3.3 (X.2.2 mailbox full)
public enum OverQuotaReply: String, Sendable, Hashable, CaseIterable {
    /// `452 4.2.2`: try again later.
    case temporary
    /// `552 5.2.2`: bounce now.
    case permanent
}

/// The scripts that run and the Sieve policy they run under.
///
/// Global scripts follow Pigeonhole's `sieve_before`/`sieve_after` model: for each
/// recipient every `before` script runs, then the user's script (if the user has one),
/// then every `after` script, under the rules `Sieve.ScriptSequence` holds (the next
/// script runs only while a keep is in effect; what a script did stands; no action twice;
/// a `reject` after another script's delivery is no conflict; a script that fails or does
/// not compile ends the sequence and the message is kept in INBOX; a missing file is no
/// script). `PlanBuilder` only maps the sequence's actions to copies, redirects and a reply.
public struct ScriptConfiguration: Sendable {
    /// Scripts run before the user's script, in order (absolute paths). Default none.
    public var before: [String] = []
    /// Scripts run after the user's script, in order (absolute paths). Default none.
    public var after: [String] = []
    /// Compile and run policy (limits, enabled extensions, vacation periods). Its
    /// `subaddressSeparator` is replaced by `UserConfiguration.subaddressDelimiter`
    /// when that is not empty. Default `SieveOptions()`.
    public var sieveOptions: SieveOptions = SieveOptions()
    /// Largest script file read, in bytes. Default 1 MiB; a bigger file counts as broken.
    public var maximumScriptBytes: Int = 1024 * 1024
    /// Where `include :global "NAME"` finds `NAME.sieve` (RFC 6609). Default nil: no
    /// global scripts, and a script including one does not compile. (`include
    /// :personal` looks next to the including script.)
    public var globalDirectory: String?

    /// The defaults documented on each field.
    public init() {}
}
