import MailCore

/// Where the message bytes of a transaction are.
public enum TransactionMessage: Sendable {
    /// The whole message in memory, exactly as received (dot-unstuffed, CRLF line ends).
    case bytes([UInt8])
    /// The message as the LMTP server spooled it (in memory or in an unlinked temporary
    /// file); read in chunks, never changed.
    case spooled(SpooledMessage)
    /// A spool file holding the message exactly as received; it is read, never changed
    /// or removed, and must stay in place until `deliver` returns.
    case file(path: String)
}

/// One finished LMTP transaction, as the delivery agent needs it.
///
/// - SeeAlso: RFC 2033 §4.2, RFC 5321 §4.1.1 (MAIL, RCPT, DATA)
public struct DeliveryTransaction: Sendable {
    /// The transaction's id (written in `Received:` and every log line).
    public var id: String
    /// The reverse-path without angle brackets; `""` is the null sender `<>`.
    public var sender: String
    /// The accepted recipients (forward-paths without angle brackets) in `RCPT TO` order;
    /// repeats are kept, and each gets its own outcome.
    public var recipients: [String]
    /// The name the client gave in `LHLO`.
    public var heloName: String
    /// The client's IP address (`192.0.2.1`, `2001:db8::1`), `nil` over a Unix socket.
    public var clientAddress: String?
    /// The client's host name if known (reverse DNS), `nil` otherwise.
    public var clientHostName: String?
    /// The message.
    public var message: TransactionMessage
    /// When the message was received, in seconds since the epoch (for `Received:`).
    public var receivedAt: Int64
    /// Store the message byte for byte, without converting line ends: a `BODY=BINARYMIME`
    /// message (RFC 3030), whose CR and LF octets may be data. Default false.
    public var keepsLineEnds = false

    /// A transaction; `receivedAt` defaults to now.
    public init(id: String, sender: String, recipients: [String], heloName: String,
                clientAddress: String? = nil, clientHostName: String? = nil,
                message: TransactionMessage, receivedAt: Int64? = nil) {
        self.id = id
        self.sender = sender
        self.recipients = recipients
        self.heloName = heloName
        self.clientAddress = clientAddress
        self.clientHostName = clientHostName
        self.message = message
        self.receivedAt = receivedAt ?? TraceFields.now()
    }
}
