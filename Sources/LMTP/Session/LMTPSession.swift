import MailCore
/// The LMTP session state machine, as a plain value: events in, outputs out.
///
/// The session never performs I/O. It tells its driver what to send, how to read the
/// next bytes, when to ask the ``DeliveryHandler`` something, and when to close; the
/// driver feeds back what happened. One event is handled at a time: while an
/// asynchronous question (recipient check, delivery) is open, the driver feeds nothing
/// else but its answer (or a timeout).
///
/// The rules it enforces: LHLO before MAIL, MAIL before RCPT, an accepted RCPT before
/// DATA/BDAT (otherwise `503 5.5.1`); RSET at any time; many transactions per connection;
/// a recipient limit (`452 4.5.3`); the declared SIZE (`552 5.2.3`); a bad-command limit
/// (`421 4.7.0`, then close); and after the message, exactly one reply per accepted
/// recipient in RCPT order, on every path (see ``postDataReplies(recipients:result:)``).
///
/// - SeeAlso: RFC 2033 §4 (LMTP), RFC 5321 §4.1.4 (command order), RFC 3030 (BDAT).
public struct LMTPSession: Sendable {
    /// Limits and names; every limit has a documented default.
    public struct Configuration: Sendable, Hashable {
        /// The host name in the greeting and the LHLO reply. Default `localhost`.
        public var serverName: String
        /// The largest message accepted, in octets; advertised as `SIZE`. Default 50 MiB.
        public var maximumMessageSize: Int
        /// Accepted recipients per transaction; more get `452 4.5.3`. Default 100.
        public var maximumRecipients: Int
        /// Refused commands per connection before `421 4.7.0` and close. Default 10.
        public var maximumBadCommands: Int
        /// The longest message line accepted, CRLF excluded; nil (the default) for no
        /// limit. RFC 5321 §4.5.3.1.6 sets 998 for SMTP text lines, but a final delivery
        /// agent has no reason to refuse a long line that the MTA already accepted.
        public var maximumDataLineLength: Int?

        /// Creates a configuration.
        public init(
            serverName: String = "localhost", maximumMessageSize: Int = 50 << 20,
            maximumRecipients: Int = 100, maximumBadCommands: Int = 10, maximumDataLineLength: Int? = nil
        ) {
            self.serverName = serverName
            self.maximumMessageSize = max(0, maximumMessageSize)
            self.maximumRecipients = max(1, maximumRecipients)
            self.maximumBadCommands = max(1, maximumBadCommands)
            self.maximumDataLineLength = maximumDataLineLength
        }
    }

    /// What happened, as the driver tells it.
    public enum Event: Sendable {
        /// A command line was parsed.
        case command(LMTPCommand)
        /// A command line was refused by the parser or the framing (line too long).
        case commandError(LMTPCommandError)
        /// The answer to ``Output/checkRecipient(_:)``.
        case recipientChecked(RecipientVerdict)
        /// A non-final BDAT chunk was read whole (`octets` of them).
        case chunkReceived(octets: Int)
        /// The message of DATA or BDAT LAST ended, whole or failed.
        case messageReceived(DataOutcome)
        /// The answer to ``Output/deliver(_:)``: the handler's replies.
        case delivered([LMTPReply])
        /// The client was silent or slow for too long.
        case timeout
        /// The server is shutting down; sent by the driver only between transactions.
        case shutdown
    }

    /// What the driver must do, in order.
    public enum Output: Sendable {
        /// Send this reply.
        case reply(LMTPReply)
        /// Read the bytes after the current command as message data.
        case receiveData(DataReception)
        /// Ask the delivery handler about this recipient, then feed ``Event/recipientChecked(_:)``.
        case checkRecipient(MailPath)
        /// Hand this transaction to the delivery handler, then feed ``Event/delivered(_:)``.
        case deliver(Transaction)
        /// Flush replies and close the connection.
        case close
    }

    /// Where the session stands.
    public enum Phase: Hashable, Sendable {
        /// Waiting for LHLO.
        case awaitingLHLO
        /// Waiting for a command; `inTransaction` after MAIL.
        case ready(inTransaction: Bool)
        /// Waiting for the recipient check's answer.
        case checkingRecipient
        /// Reading DATA or a BDAT chunk.
        case receivingData
        /// Waiting for the delivery handler.
        case delivering
        /// Closed; every further event is ignored.
        case closed
    }

    struct OpenTransaction: Sendable {
        var mailFrom: ReversePath
        var parameters: MailParameters
        var recipients: [MailPath] = []
        var pendingRecipient: MailPath?
        /// A BDAT chunk of this transaction was accepted: DATA is now refused.
        var chunking = false
    }

    enum State: Sendable {
        case awaitingLHLO
        case ready(OpenTransaction?)
        case checkingRecipient(OpenTransaction)
        case receivingChunk(OpenTransaction, last: Bool)
        case receivingData(OpenTransaction)
        case delivering(OpenTransaction)
        case closed
    }

    /// The limits in force.
    public let configuration: Configuration
    /// Identifies the connection in transaction ids and logs.
    public let connectionID: String
    /// The peer's IP address, nil over a Unix socket; carried into each envelope.
    public let clientAddress: String?
    var state: State = .awaitingLHLO
    var clientName = ""
    var badCommands = 0
    var transactionCount = 0
    /// Whether the last event only kept the connection open (NOOP, RSET, VRFY, HELP or a
    /// refused command): the driver then does not restart the client's idle clock, so a
    /// client that sends nothing else is cut off like a silent one.
    public private(set) var lastEventKeptIdle = false

    /// Creates a session; call ``start()`` for the greeting.
    public init(configuration: Configuration = Configuration(), connectionID: String, clientAddress: String? = nil) {
        self.configuration = configuration
        self.connectionID = connectionID
        self.clientAddress = clientAddress
    }

    /// The greeting: `220 <server> LMTP ready` (no enhanced code, RFC 2034 §3).
    public func start() -> [Output] {
        [.reply(LMTPReply(code: 220, nil, "\(configuration.serverName) LMTP ready"))]
    }

    /// Where the session stands now.
    public var phase: Phase {
        switch state {
        case .awaitingLHLO: .awaitingLHLO
        case .ready(let transaction): .ready(inTransaction: transaction != nil)
        case .checkingRecipient: .checkingRecipient
        case .receivingChunk, .receivingData: .receivingData
        case .delivering: .delivering
        case .closed: .closed
        }
    }

    /// Handles one event and returns what to do, in order.
    public mutating func receive(_ event: Event) -> [Output] {
        switch event {
        case .command(.noop), .command(.rset), .command(.vrfy), .command(.help), .commandError: lastEventKeptIdle = true
        default: lastEventKeptIdle = false
        }
        switch (event, state) {
        case (_, .closed):
            return []
        case (.timeout, _):
            return close(with: Self.timeoutReply(serverName: configuration.serverName))
        case (.shutdown, _):
            return close(with: Self.shutdownReply(serverName: configuration.serverName))
        case (.command(let command), .awaitingLHLO), (.command(let command), .ready):
            return handle(command)
        case (.commandError(let error), .awaitingLHLO), (.commandError(let error), .ready):
            return refuse(error.reply)
        case (.recipientChecked(let verdict), .checkingRecipient(let transaction)):
            return recipientChecked(verdict, transaction)
        case (.chunkReceived(let octets), .receivingChunk(let transaction, last: false)):
            state = .ready(transaction)
            return [.reply(LMTPReply(code: 250, .ok, "\(octets) octets received"))]
        case (.messageReceived(let outcome), .receivingData(let transaction)),
            (.messageReceived(let outcome), .receivingChunk(let transaction, last: true)):
            return messageReceived(outcome, transaction)
        case (.delivered(let replies), .delivering(let transaction)):
            state = .ready(nil)
            return Self.postDataReplies(recipients: transaction.recipients, result: .delivered(replies)).map(Output.reply)
        default:
            // The driver fed an event the session did not ask for: a bug in the driver,
            // not in the client. Say so and close rather than guess.
            return close(with: LMTPReply(code: 421, .temporarySystemFailure, "internal error: unexpected event, closing connection"))
        }
    }

    /// `421 4.4.2`: the client was too slow.
    public static func timeoutReply(serverName: String) -> LMTPReply {
        LMTPReply(code: 421, .badConnection, "\(serverName) timeout, closing connection")
    }

    /// `421 4.3.2`: the server is shutting down.
    public static func shutdownReply(serverName: String) -> LMTPReply {
        LMTPReply(code: 421, .systemNotAccepting, "\(serverName) shutting down, try again later")
    }

    mutating func close(with reply: LMTPReply) -> [Output] {
        state = .closed
        return [.reply(reply), .close]
    }

    /// Sends a refusal that counts toward the bad-command limit.
    mutating func refuse(_ reply: LMTPReply) -> [Output] {
        badCommands += 1
        guard badCommands >= configuration.maximumBadCommands else { return [.reply(reply)] }
        return [.reply(reply)]
            + close(with: LMTPReply(code: 421, .securityTemporary, "too many bad commands (\(badCommands)), closing connection"))
    }
}
