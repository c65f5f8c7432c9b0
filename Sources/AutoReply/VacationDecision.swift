/// Whether to send a vacation reply, and if not, why.
public enum VacationDecision: Sendable, Hashable, CustomStringConvertible {
    /// Send the reply.
    case respond
    /// Do not send; the reason is for the delivery log.
    case suppress(VacationSuppression)

    public var description: String {
        switch self {
        case .respond: return "respond"
        case .suppress(let reason): return "suppress: \(reason)"
        }
    }
}

/// Why a vacation reply is not sent. `description` is a sentence for operators.
///
/// - SeeAlso: RFC 5230 §4.5, §4.6; RFC 3834 §2
public enum VacationSuppression: Sendable, Hashable, CustomStringConvertible {
    /// The envelope sender is null (`<>`) or empty: a bounce or other automated mail.
    case nullSender
    /// The envelope sender is not a routable mailbox (e.g. no domain).
    case invalidSender(String)
    /// This delivery has no recipient address to reply as.
    case noRecipient
    /// The envelope sender is one of the user's own addresses.
    case senderIsUser(String)
    /// The message carries a mailing-list header (RFC 2369, RFC 2919).
    case mailingList(header: String)
    /// The message says it was sent automatically (`Auto-Submitted` other than `no`).
    case autoSubmitted(String)
    /// The message has `Precedence: bulk`, `list` or `junk`.
    case precedence(String)
    /// The message asks for no automatic replies (`X-Auto-Response-Suppress`).
    case autoResponseSuppressed(String)
    /// The sender's local part matches a system-sender pattern.
    case systemSender(localPart: String, pattern: String)
    /// None of the user's addresses appears in the recipient header fields.
    case userNotAddressed
    /// A reply to this sender with this handle was already sent within the period.
    case alreadyReplied(sender: String, handle: String, seconds: Int)

    public var description: String {
        switch self {
        case .nullSender:
            return "the envelope sender is null (<>), as for bounces and other automated mail"
        case .invalidSender(let sender):
            return "the envelope sender \"\(sender)\" is not a mailbox a reply could be sent to"
        case .noRecipient:
            return "the delivery has no recipient address to reply as"
        case .senderIsUser(let address):
            return "the envelope sender \(address) is one of the user's own addresses"
        case .mailingList(let header):
            return "the message came from a mailing list (it has a \(header) header field)"
        case .autoSubmitted(let value):
            return "the message was sent automatically (Auto-Submitted: \(value))"
        case .precedence(let value):
            return "the message is bulk mail (Precedence: \(value))"
        case .autoResponseSuppressed(let value):
            return "the sender asked for no automatic replies (X-Auto-Response-Suppress: \(value))"
        case .systemSender(let localPart, let pattern):
            return "the sender \"\(localPart)\" is a system address (matches \"\(pattern)\")"
        case .userNotAddressed:
            return "none of the user's addresses is in To, Cc, Bcc or their Resent- forms"
        case .alreadyReplied(let sender, let handle, let seconds):
            return "already replied to \(sender) for handle \"\(handle)\" within the last \(seconds) seconds"
        }
    }
}
