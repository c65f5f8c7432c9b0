/// Hands a finished message to the site's mail transfer agent for onward delivery.
///
/// Sluice uses this for vacation replies and redirects. Two implementations exist:
/// `SMTPSubmissionClient` (SMTP to a relay, by default `127.0.0.1:25`) and `SendmailSubmission`
/// (a sendmail-compatible command). Both take the envelope separately from the message, so the
/// message's own header fields never decide where it goes.
public protocol MessageSubmitter: Sendable {
    /// Submits one message to the given recipients.
    ///
    /// - Parameters:
    ///   - envelopeFrom: The envelope sender (`MAIL FROM`), a bare address without angle
    ///     brackets; the empty string is the null sender `<>` (vacation replies use it).
    ///   - recipients: The envelope recipients, bare addresses; at least one.
    ///   - message: The complete RFC 5322 message (header, blank line, body) as octets. Any line
    ///     ending convention is accepted; it is sent with CRLF.
    /// - Returns: A receipt with each recipient's outcome. It is returned only when the MTA took
    ///   responsibility for the message for at least one recipient.
    /// - Throws: `SubmissionError` saying where it failed and whether a retry may succeed.
    func submit(envelopeFrom: String, recipients: [String], message: [UInt8]) async throws(SubmissionError)
        -> SubmissionReceipt
}

/// What happened to one envelope recipient.
public struct RecipientOutcome: Hashable, Sendable {
    /// Whether the MTA took the recipient.
    public enum Status: Hashable, Sendable {
        /// The recipient was accepted (2xx to `RCPT TO`, or the sendmail command succeeded).
        case accepted
        /// The recipient was refused; a later retry may succeed (4xx).
        case refusedTransiently
        /// The recipient was refused for good (5xx).
        case refusedPermanently
    }

    /// The recipient address as given to `submit`.
    public var address: String
    /// The outcome for this recipient.
    public var status: Status
    /// The server's reply to `RCPT TO`; nil for the sendmail command.
    public var reply: SMTPReply?

    /// Creates an outcome.
    public init(address: String, status: Status, reply: SMTPReply? = nil) {
        self.address = address
        self.status = status
        self.reply = reply
    }

    /// True when the recipient was accepted.
    public var isAccepted: Bool { status == .accepted }
}

/// Proof that the MTA accepted a message, with the outcome for each recipient in the order given.
///
/// Some recipients may have been refused while others were accepted; the message was submitted
/// for the accepted ones only.
public struct SubmissionReceipt: Hashable, Sendable {
    /// One outcome per recipient, in the order they were passed to `submit`.
    public var recipients: [RecipientOutcome]
    /// The server's reply to the end of the message (`250 ... queued as ...`); nil for sendmail.
    public var finalReply: SMTPReply?

    /// Creates a receipt.
    public init(recipients: [RecipientOutcome], finalReply: SMTPReply? = nil) {
        self.recipients = recipients
        self.finalReply = finalReply
    }

    /// The recipients the MTA accepted.
    public var accepted: [String] { recipients.filter(\.isAccepted).map(\.address) }
    /// The recipients the MTA refused, with their replies.
    public var refused: [RecipientOutcome] { recipients.filter { !$0.isAccepted } }
}
