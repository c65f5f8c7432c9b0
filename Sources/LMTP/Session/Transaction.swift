public import MailCore

/// The envelope of one LMTP transaction: who sent it and who it is for.
///
/// - SeeAlso: RFC 5321 §3.3 (mail transactions), RFC 2033 §4.2 (one reply per recipient).
public struct Envelope: Hashable, Sendable {
    /// The `MAIL FROM` reverse path (`<>` for bounces).
    public let mailFrom: ReversePath
    /// The `MAIL FROM` parameters.
    public let parameters: MailParameters
    /// The accepted recipients in `RCPT` order, a repeated recipient repeated.
    public let recipients: [MailPath]
    /// The name the client gave in `LHLO`.
    public let clientName: String
    /// The client's IP address (`192.0.2.1`, `2001:db8::1`); nil over a Unix socket.
    public let clientAddress: String?

    /// Creates an envelope.
    public init(mailFrom: ReversePath, parameters: MailParameters, recipients: [MailPath], clientName: String,
                clientAddress: String? = nil) {
        self.mailFrom = mailFrom
        self.parameters = parameters
        self.recipients = recipients
        self.clientName = clientName
        self.clientAddress = clientAddress
    }
}

/// A finished transaction, handed to the ``DeliveryHandler``.
public struct Transaction: Sendable {
    /// Unique within the server's lifetime: `<connection id>.<transaction number>`.
    public let id: String
    /// Sender, parameters and accepted recipients.
    public let envelope: Envelope
    /// The message bytes as received (dot-unstuffed for DATA, concatenated chunks for BDAT).
    public let message: SpooledMessage

    /// Creates a transaction.
    public init(id: String, envelope: Envelope, message: SpooledMessage) {
        self.id = id
        self.envelope = envelope
        self.message = message
    }
}

/// The delivery agent's answer to "do you accept this recipient?".
public enum RecipientVerdict: Hashable, Sendable {
    /// `250 2.1.5`.
    case accept
    /// `550 5.1.1`: no such user.
    case unknownUser
    /// `451 4.3.0`: the user database could not be asked; the reason goes in the reply text.
    case temporaryFailure(String)
    /// Any other refusal, sent as given. A 2xx or 3xx reply here is treated as a
    /// temporary failure (`451 4.3.0`): a refusal must be 4xx or 5xx.
    case refuse(LMTPReply)
}

/// What the LMTP server asks of the application.
///
/// The server enforces the protocol; the application only answers whether a recipient
/// exists and delivers finished transactions.
///
/// - SeeAlso: RFC 2033 §4.2.
public protocol DeliveryHandler: Sendable {
    /// Answers `RCPT TO` for one recipient.
    func checkRecipient(_ recipient: MailPath) async -> RecipientVerdict

    /// Delivers a transaction and returns one reply per accepted recipient, in the
    /// order of `transaction.envelope.recipients`.
    ///
    /// Missing replies become `451 4.3.0`; extra replies are dropped.
    func deliver(_ transaction: Transaction) async -> [LMTPReply]

    /// Bytes to put in the spool file in front of the message about to be received for
    /// this transaction (see `SpoolPreamble`), or nil. Called once per message, before its
    /// first byte; the default is nil.
    func spoolPreamble(transactionID: String, envelope: Envelope) -> SpoolPreamble?
}

extension DeliveryHandler {
    public func spoolPreamble(transactionID: String, envelope: Envelope) -> SpoolPreamble? { nil }
}

/// Why a message could not be received whole; each recipient gets the same reply.
public enum DataFailure: Hashable, Sendable {
    /// More octets than the configured maximum: `552 5.2.3`.
    case tooBig(maximum: Int)
    /// A NUL octet outside `BODY=BINARYMIME`: `554 5.6.0`.
    case nulByte
    /// A line longer than the configured data line limit: `554 5.6.0`.
    case lineTooLong(maximum: Int)
    /// The spool could not store the message: `451 4.3.0`.
    case spoolFailed(String)

    /// The reply every accepted recipient gets.
    public var reply: LMTPReply {
        switch self {
        case .tooBig(let maximum):
            LMTPReply(code: 552, .messageTooBig, "message exceeds the maximum size of \(maximum) octets")
        case .nulByte:
            LMTPReply(code: 554, .mediaError, "message contains a NUL octet (allowed only with BODY=BINARYMIME)")
        case .lineTooLong(let maximum):
            LMTPReply(code: 554, .mediaError, "message has a line longer than \(maximum) octets")
        case .spoolFailed(let reason):
            LMTPReply(code: 451, .temporarySystemFailure, "could not store the message, try again later: \(reason)")
        }
    }
}

/// How the framing must read the bytes that follow a DATA or BDAT command.
public struct DataReception: Hashable, Sendable {
    /// The shape of the bytes on the wire.
    public enum Framing: Hashable, Sendable {
        /// Lines up to `CRLF.CRLF`, dot-stuffed (DATA).
        case dotTerminated
        /// Exactly `size` octets (BDAT); `last` ends the message.
        case chunk(size: Int, last: Bool)

        /// Whether the end of these bytes is the end of the message (DATA, or BDAT LAST).
        public var endsMessage: Bool {
            if case .chunk(_, last: false) = self { return false }
            return true
        }
    }

    /// The shape of the bytes.
    public let framing: Framing
    /// The bytes are read and dropped: a refused BDAT chunk.
    public let discard: Bool
    /// These bytes begin a new message (DATA, or the first BDAT of a transaction).
    public let startsMessage: Bool
    /// Octets kept at most; the rest is read and dropped, then the message fails.
    public let maximumSize: Int
    /// A NUL octet fails the message (all bodies except BINARYMIME).
    public let rejectsNUL: Bool
    /// The longest data line accepted, CRLF excluded; nil for no limit.
    public let maximumLineLength: Int?
    /// The message is `BODY=BINARYMIME`: its CR and LF octets may be data, so the spool
    /// keeps them as they are (no line-end conversion, no preamble).
    public let isBinary: Bool
    /// For the bytes that begin a message: the transaction they will be delivered as,
    /// known before the first byte arrives. Nil otherwise.
    public let transaction: Upcoming?

    /// The transaction a message being received will be delivered as.
    public struct Upcoming: Hashable, Sendable {
        /// The transaction id (`Transaction.id`).
        public let id: String
        /// The envelope.
        public let envelope: Envelope

        /// An upcoming transaction, fields as documented above.
        public init(id: String, envelope: Envelope) {
            self.id = id
            self.envelope = envelope
        }
    }

    /// Creates a reception description.
    public init(
        framing: Framing, discard: Bool, startsMessage: Bool, maximumSize: Int,
        rejectsNUL: Bool, maximumLineLength: Int?, isBinary: Bool = false, transaction: Upcoming? = nil
    ) {
        self.isBinary = isBinary
        self.framing = framing
        self.discard = discard
        self.startsMessage = startsMessage
        self.maximumSize = maximumSize
        self.rejectsNUL = rejectsNUL
        self.maximumLineLength = maximumLineLength
        self.transaction = transaction
    }
}

/// How the message bytes of DATA or a final BDAT chunk ended.
public enum DataOutcome: Sendable {
    /// Received whole and spooled.
    case complete(SpooledMessage)
    /// Not usable; every recipient gets `failure.reply`.
    case failed(DataFailure)
}
