import MailCore
import Sieve

/// What happened to one recipient of a transaction, with the reply to send for it.
public struct RecipientOutcome: Sendable {
    /// The recipient as given in the transaction.
    public var recipient: String
    /// The reply for this recipient (the LMTP side converts it to its wire form).
    public var reply: DeliveryReply
    /// What was done, in one word.
    public var disposition: Disposition
    /// The copies stored, in the order they were stored.
    public var copies: [StoredCopy]
    /// Redirects the scripts asked for.
    public var redirects: [RedirectRequest]
    /// How each redirect went, in the order of `redirects` (`<a@b> sent`,
    /// `<a@b> failed: ...`); empty when none was attempted.
    public var redirectResults: [String] = []
    /// The vacation auto-reply the scripts asked for.
    public var vacation: VacationAction?
    /// What became of the vacation reply (`sent to <a@b>`, `not sent: ...`,
    /// `failed: ...`); `nil` when none was attempted.
    public var vacationResult: String?
    /// For a rejected recipient, the script's reason as written (the reply carries it cut
    /// into safe ASCII lines); for a rejection notice, which can carry any text.
    public var rejectionReason: String?
    /// Everything worth an operator's attention: script errors, fallbacks, conflicts.
    public var notes: [String]
    /// Notifications the scripts asked for (RFC 5435 `notify`).
    public var notifications: [NotifyAction] = []
    /// What became of each notification, in order (`sent to <a@b>`, `not sent: ...`).
    public var notificationResults: [String] = []
    /// How each `pipe` went (`"archive" done`, `"archive" failed: ...`), in order.
    public var pipeResults: [String] = []
    /// Lines the scripts wrote with `debug_log` (vnd.dovecot.debug).
    public var debugMessages: [String] = []
    /// Time spent on this recipient, from the start of the transaction's work.
    public var duration: Duration
    /// `duplicate` values the scripts marked, recorded once the outcome is final and not a
    /// temporary failure (RFC 7352 §3).
    public var duplicateMarks: [DuplicateMark] = []
    /// The recipient's own version of the message when its scripts edited it; nil when
    /// its copies are the message as received.
    public var editedMessage: EditedMessage?
    /// Feedback reports the scripts asked for (vnd.dovecot.report).
    public var reports: [ReportAction] = []
    /// How each report went (`<a@b> sent`, `<a@b> failed: ...`), in the order of `reports`.
    public var reportResults: [String] = []

    /// An outcome, fields as documented above.
    public init(recipient: String, reply: DeliveryReply, disposition: Disposition, copies: [StoredCopy] = [],
                redirects: [RedirectRequest] = [], vacation: VacationAction? = nil, notes: [String] = [],
                duration: Duration = .zero) {
        self.recipient = recipient
        self.reply = reply
        self.disposition = disposition
        self.copies = copies
        self.redirects = redirects
        self.vacation = vacation
        self.notes = notes
        self.duration = duration
    }

    /// What was done with a recipient's copy.
    public enum Disposition: String, Sendable, Hashable {
        /// At least one copy was stored (250).
        case stored
        /// The scripts discarded the message (250, nothing stored).
        case discarded
        /// The message was only redirected or piped to programs (250, nothing stored).
        case redirected
        /// A script rejected the message (550 5.7.1).
        case rejected
        /// The recipient is not a user here (550 5.1.1).
        case unknownUser
        /// Try again later (4xx): storage failure, over quota, deadline, lookup failure.
        case deferred
        /// Bounce (5xx other than a rejection or unknown user): over quota when configured
        /// permanent.
        case failed
    }
}

/// A `redirect` a script asked for.
///
/// - SeeAlso: RFC 5228 §4.2, RFC 3894 (`:copy`)
public struct RedirectRequest: Sendable, Hashable {
    /// The address to send the message to.
    public var address: String
    /// Whether `:copy` was given (the message is also kept).
    public var copy: Bool

    /// A redirect to `address`, with or without `:copy`.
    public init(address: String, copy: Bool) {
        self.address = address
        self.copy = copy
    }
}

/// The replies the agent gives, in one place.
///
/// - SeeAlso: RFC 3463 §3.2 (X.2.2 mailbox full), §3.4 (X.3.0, X.3.1), §3.8 (X.7.1)
enum Replies {
    static func saved(_ id: String) -> DeliveryReply {
        DeliveryReply(code: 250, status: .ok, text: "\(id) Saved")
    }

    static let discarded = DeliveryReply(code: 250, status: .ok,
                                         text: "Discarded by the recipient's Sieve filter")
    static let redirected = DeliveryReply(code: 250, status: .ok,
                                          text: "Redirected by the recipient's Sieve filter")
    static let piped = DeliveryReply(code: 250, status: .ok,
                                     text: "Piped to a program by the recipient's Sieve filter")

    static func rejected(_ reason: String) -> DeliveryReply {
        let lines = ReplyText.lines(reason)
        return DeliveryReply(code: 550, status: .deliveryNotAuthorized,
                             lines: lines.isEmpty ? ["Message rejected by the recipient's Sieve filter"] : lines)
    }

    static func overQuota(_ recipient: String, _ detail: String, policy: OverQuotaReply) -> DeliveryReply {
        switch policy {
        case .temporary:
            DeliveryReply(code: 452, status: .mailboxFull, text: "<\(recipient)> mailbox full: \(detail)")
        case .permanent:
            DeliveryReply(code: 552, status: .mailboxFullPermanent, text: "<\(recipient)> mailbox full: \(detail)")
        }
    }

    static func diskFull(_ recipient: String, _ detail: String) -> DeliveryReply {
        DeliveryReply(code: 452, status: .systemFull, text: "<\(recipient)> mail system full: \(detail)")
    }

    static func temporary(_ recipient: String, _ detail: String) -> DeliveryReply {
        DeliveryReply(code: 451, status: .temporarySystemFailure, text: "<\(recipient)> temporary failure: \(detail)")
    }
}
