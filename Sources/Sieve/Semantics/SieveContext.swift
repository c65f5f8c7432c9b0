import MailCore

/// The SMTP envelope of the message for this script run.
///
/// - SeeAlso: RFC 5228 §5.4 (envelope test), RFC 5321 §4.1.2 (paths)
public struct SieveEnvelope: Sendable, Hashable {
    /// The reverse-path without angle brackets; "" is the null sender `<>`.
    public var from: String
    /// This run's recipient (forward-path) without angle brackets.
    public var to: String
    /// The original recipient (RFC 3461 ORCPT), if the MTA passed one.
    public var origTo: String?
    /// The authenticated submitter (RFC 4954 AUTH=), if known.
    public var auth: String?

    public init(from: String, to: String, origTo: String? = nil, auth: String? = nil) {
        self.from = from
        self.to = to
        self.origTo = origTo
        self.auth = auth
    }
}

/// What a script run may ask about its surroundings. The interpreter never does I/O:
/// everything it needs to know comes through this protocol.
public protocol SieveContext: Sendable {
    /// The message, parsed once and shared read-only.
    var message: Message { get }
    /// The envelope for this recipient.
    var envelope: SieveEnvelope { get }
    /// Whether a mailbox exists for this user (default: true).
    func mailboxExists(_ name: String) -> Bool
    /// Converts `text/html` parts to text for `body :text` (default: nil, meaning the
    /// simple `TagStrippingHTMLTextExtractor`).
    var htmlTextExtractor: (any HTMLTextExtractor)? { get }
    /// The current date and time, in the zone that counts as local for the script (default:
    /// the system clock, in the machine's local zone). Asked at most once per run.
    ///
    /// - SeeAlso: RFC 5260 §4.1 (local zone), §5 (currentdate)
    var currentDate: DateTime { get }
    /// What the `environment` test and `${env.NAME}` report about where the script runs
    /// (default: `SieveEnvironment()`, which knows only the fixed items).
    ///
    /// - SeeAlso: RFC 5183 §4
    var environment: SieveEnvironment { get }
    /// Runs a program of the site's `filter` or `execute` directory for the script and waits
    /// for it (blocking). The default refuses: a context that can run programs says so by
    /// implementing this.
    ///
    /// - SeeAlso: Pigeonhole's spec-bosch-sieve-extprograms §4, §5
    func runProgram(_ request: ExternalProgramRequest) -> ExternalProgramOutcome
    /// Whether an earlier message of this user was tracked with `key` by a `duplicate`
    /// test, and its record is still live (default: never). Throws when the tracking
    /// store cannot be asked; the run then fails.
    ///
    /// - SeeAlso: RFC 7352 §3
    func isDuplicate(_ key: DuplicateKey) throws(DuplicateTrackingError) -> Bool
    /// The existing mailboxes of this user that carry the special-use attribute `use`
    /// (`\Junk`; compared without regard to case), best first (default: none).
    ///
    /// - SeeAlso: RFC 8579 §4, §5; RFC 6154 §2
    func mailboxes(withSpecialUse use: String) -> [String]
    /// The special-use attributes of the mailbox `name` (default: none).
    ///
    /// - SeeAlso: RFC 8579 §5
    func specialUses(ofMailbox name: String) -> [String]
    /// The existing mailbox whose object id (RFC 8474 MAILBOXID) is `id`, nil when none
    /// (default: none).
    ///
    /// - SeeAlso: RFC 9042 §3, §5
    func mailbox(withID id: String) -> String?
    /// The value of the annotation `entry` (`/private/comment`) of `mailbox`, or of the
    /// server when `mailbox` is nil; nil when it has none (default: none).
    ///
    /// - SeeAlso: RFC 5490 §3.2, §4.1; RFC 5464
    func metadata(_ entry: String, mailbox: String?) -> String?
    /// The site's lists that `:list` and `valid_ext_list` ask (default: only the default
    /// address book, empty).
    ///
    /// - SeeAlso: RFC 6134 §2
    var externalLists: any ExternalListSource { get }
}

extension SieveContext {
    public func mailboxExists(_ name: String) -> Bool { true }
    public var htmlTextExtractor: (any HTMLTextExtractor)? { nil }
    public var currentDate: DateTime { DateTime.systemNow() }
    public var environment: SieveEnvironment { SieveEnvironment() }
    public func runProgram(_ request: ExternalProgramRequest) -> ExternalProgramOutcome {
        .failed(reason: "running external programs is not available here")
    }
    public func isDuplicate(_ key: DuplicateKey) throws(DuplicateTrackingError) -> Bool { false }
    public var externalLists: any ExternalListSource { ExternalLists.standard }
}

/// A ready-made context: a message and its envelope.
public struct SieveMessageContext: SieveContext {
    public var message: Message
    public var envelope: SieveEnvelope
    /// Converts `text/html` parts for `body :text`; nil uses `TagStrippingHTMLTextExtractor`.
    public var htmlTextExtractor: (any HTMLTextExtractor)?
    /// A fixed current time for `currentdate` (and the local zone of `date`); nil reads the
    /// system clock.
    public var fixedDate: DateTime?
    /// What `environment` reports.
    public var environment: SieveEnvironment
    /// Runs `filter` and `execute` programs; nil refuses them.
    public var programRunner: (@Sendable (ExternalProgramRequest) -> ExternalProgramOutcome)?
    /// The user's mailboxes, their special uses, ids and annotations; nil: every mailbox
    /// exists and none has attributes.
    public var mailboxCatalog: MailboxCatalog? = nil
    /// The site's lists (RFC 6134); by default only the empty default address book.
    public var externalLists: any ExternalListSource = ExternalLists.standard

    public init(message: Message, envelope: SieveEnvelope, htmlTextExtractor: (any HTMLTextExtractor)? = nil,
                fixedDate: DateTime? = nil, environment: SieveEnvironment = SieveEnvironment(),
                programRunner: (@Sendable (ExternalProgramRequest) -> ExternalProgramOutcome)? = nil) {
        self.message = message
        self.envelope = envelope
        self.htmlTextExtractor = htmlTextExtractor
        self.fixedDate = fixedDate
        self.environment = environment
        self.programRunner = programRunner
    }

    public func runProgram(_ request: ExternalProgramRequest) -> ExternalProgramOutcome {
        programRunner?(request) ?? .failed(reason: "running external programs is not available here")
    }

    public var currentDate: DateTime { fixedDate ?? DateTime.systemNow() }
}
