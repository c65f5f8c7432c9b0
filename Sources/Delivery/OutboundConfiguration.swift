import AutoReply

/// How vacation replies and redirects are handed to the site's MTA.
///
/// Either SMTP to a relay (default `127.0.0.1:25`) or a sendmail-compatible command
/// run as `COMMAND... -f SENDER -- RECIPIENT`.
public struct OutboundConfiguration: Sendable {
    /// The two ways of reaching the MTA.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// SMTP to `relayHost:relayPort`.
        case smtp
        /// Run `sendmailCommand`.
        case sendmail
    }

    /// Which way. Default `.smtp`.
    public var method: Method = .smtp
    /// The SMTP relay's host name or address. Default `127.0.0.1`.
    public var relayHost: String = "127.0.0.1"
    /// The SMTP relay's port. Default 25.
    public var relayPort: Int = 25
    /// The name sent in `EHLO`; `nil` uses `DeliveryConfiguration.hostname`. Default `nil`.
    public var heloName: String?
    /// Longest wait for the TCP connection to the relay. Default 10 s.
    public var connectTimeout: Duration = .seconds(10)
    /// Longest wait for each SMTP reply. Default 30 s.
    public var replyTimeout: Duration = .seconds(30)
    /// Bound on one whole submission (SMTP conversation or sendmail command). Default
    /// 60 s. A recipient's LMTP reply waits for its redirects and vacation reply, so
    /// keep this well under `DeliveryConfiguration.transactionDeadline`.
    public var submissionTimeout: Duration = .seconds(60)
    /// The sendmail command and its fixed arguments (the first element is an absolute
    /// path). Default `["/usr/sbin/sendmail", "-i"]`.
    public var sendmailCommand: [String] = ["/usr/sbin/sendmail", "-i"]
    /// What a redirect that cannot be submitted means for the recipient. Default `.keep`.
    public var redirectFailure: RedirectFailurePolicy = .keep
    /// The envelope sender of notifications (RFC 5435 `notify`) whose triggering message
    /// had one. Default `.from`: the `:from` address, else the user's.
    public var notifyEnvelopeSender: NotificationEnvelopeSender = .from

    /// The defaults documented on each field.
    public init() {}

    /// The rule a `notify_envelope_sender` setting names (`from`, `sender`, `recipient`
    /// or an address); nil when it names none.
    public static func notifyEnvelopeSender(setting: String) -> NotificationEnvelopeSender? {
        NotificationEnvelopeSender(setting: setting)
    }
}

/// What happens to a recipient's copy when one of its redirects cannot be submitted
/// (the MTA is down, refuses the message, or the tracking store fails).
///
/// A redirect refused for good (a mail loop, an invalid address) always falls back to
/// the implicit keep: a retry could not succeed.
///
/// - SeeAlso: RFC 5228 §2.10.6 (a failed action falls back to the implicit keep)
public enum RedirectFailurePolicy: String, Sendable, Hashable, CaseIterable {
    /// Keep the message in INBOX instead (logged) and answer 250.
    case keep
    /// Answer `451 4.3.0` so the MTA retries the whole recipient later. Redirects that
    /// did go out are not sent again within 12 hours (duplicate suppression).
    case tempfail
}

/// Vacation's site settings.
///
/// The response periods (`:days` minimum, default and maximum) are part of the Sieve
/// options (`ScriptConfiguration.sieveOptions.vacationPeriods`).
public struct VacationConfiguration: Sendable {
    /// The SQLite database that remembers who was answered when (and which messages
    /// were redirected where). Created with its folder if missing. Default
    /// `/var/lib/sluice/tracking.sqlite`.
    public var trackingDatabase: String = "/var/lib/sluice/tracking.sqlite"
    /// Glob patterns (`*`, `?`, case-insensitive) for local parts of envelope senders
    /// that never get a reply. Default `VacationPolicy.defaultSystemSenderPatterns`
    /// (`mailer-daemon`, `listserv`, `majordomo`, `*-request`, `owner-*`, `noreply*`, ...).
    ///
    /// - SeeAlso: RFC 5230 §4.5
    public var systemSenderPatterns: [String] = VacationPolicy.defaultSystemSenderPatterns
    /// Reply only when one of the user's addresses is in `To`, `Cc`, `Bcc` or their
    /// `Resent-` forms. Default `true`.
    ///
    /// - SeeAlso: RFC 5230 §4.6
    public var requireUserAddressed: Bool = true
    /// How replies are shaped: the subject when the script gives none
    /// (`default_subject`, `subject_template` with `%{subject}`), whether they are sent
    /// from the user's address instead of `<>` (`send_from_recipient`), and whether
    /// their `To` may come from `Sender`/`From` when the envelope sender differs
    /// (`to_header_ignore_envelope`). Defaults: `VacationReplyComposer.Settings()`.
    ///
    /// - SeeAlso: RFC 5230 §4.3, §5.1
    public var reply = VacationReplyComposer.Settings()

    /// The defaults documented on each field.
    public init() {}
}

/// How `report` (vnd.dovecot.report) messages are addressed (sluice.toml `[report]`).
///
/// - SeeAlso: RFC 5965, `FeedbackReportComposer`
public struct ReportConfiguration: Sendable, Hashable {
    /// Who reports are from. Default `.postmaster`.
    public var from: ReportSender = .postmaster
    /// The postmaster address; nil: `postmaster@` and `DeliveryConfiguration.hostname`.
    public var postmaster: String?

    /// The defaults documented on each field.
    public init() {}
}
