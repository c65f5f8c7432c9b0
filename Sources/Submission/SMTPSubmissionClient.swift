import NIOCore
import NIOPosix

/// Submits messages to an SMTP relay (the site's MTA) over SwiftNIO, one connection per message.
///
/// The conversation: greeting `220`, `EHLO` (falling back to `HELO` when `EHLO` gets a 5xx),
/// `MAIL FROM` (with `SIZE=`, `BODY=8BITMIME` and `SMTPUTF8` where offered and useful), one
/// `RCPT TO` per recipient, `DATA`, the dot-stuffed message, `QUIT`. With PIPELINING, `MAIL FROM`
/// and all `RCPT TO` commands go out in one write and their replies are read in order.
///
/// The message counts as submitted when at least one recipient was accepted and the server
/// answered the end of the message with a 2xx; the receipt says which recipients were taken.
///
/// - SeeAlso: RFC 5321 §3.3 (mail transactions), §4.5.3.2 (timeouts), RFC 2920 (PIPELINING).
public struct SMTPSubmissionClient: MessageSubmitter {
    /// Where to connect and how long each step may take.
    public struct Configuration: Sendable, Hashable {
        /// The relay's host name or address. Default `127.0.0.1`.
        public var host: String
        /// The relay's TCP port. Default 25.
        public var port: Int
        /// The name sent with `EHLO`/`HELO`; should be this host's fully qualified name. Default `localhost`.
        public var heloName: String
        /// Longest wait for the TCP connection. Default 10 seconds.
        public var connectTimeout: Duration
        /// Longest wait for each reply (greeting, EHLO, MAIL, RCPT, DATA), and for each command
        /// to be written. Default 60 seconds.
        public var replyTimeout: Duration
        /// Longest wait to send the message and receive the reply to its final dot. Default 120 seconds.
        public var messageTimeout: Duration
        /// Bound on the whole submission, connection to QUIT. Default 300 seconds.
        public var totalTimeout: Duration
        /// Longest reply line accepted from the server, in octets. Default 4096.
        public var maximumReplyLineLength: Int

        /// Creates a configuration; every parameter has the default documented on its property.
        public init(
            host: String = "127.0.0.1", port: Int = 25, heloName: String = "localhost",
            connectTimeout: Duration = .seconds(10), replyTimeout: Duration = .seconds(60),
            messageTimeout: Duration = .seconds(120), totalTimeout: Duration = .seconds(300),
            maximumReplyLineLength: Int = 4096
        ) {
            self.host = host
            self.port = port
            self.heloName = heloName
            self.connectTimeout = connectTimeout
            self.replyTimeout = replyTimeout
            self.messageTimeout = messageTimeout
            self.totalTimeout = totalTimeout
            self.maximumReplyLineLength = maximumReplyLineLength
        }
    }

    /// The configuration in use.
    public let configuration: Configuration
    private let eventLoopGroup: any EventLoopGroup

    /// Creates a client; connections run on `eventLoopGroup` (the shared NIO group by default).
    public init(
        configuration: Configuration = Configuration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
    }

    /// Submits one message over a fresh connection; see `MessageSubmitter.submit`.
    public func submit(envelopeFrom: String, recipients: [String], message: [UInt8])
        async throws(SubmissionError) -> SubmissionReceipt
    {
        let plan = try SubmissionPlan(
            heloName: configuration.heloName, envelopeFrom: envelopeFrom, recipients: recipients, message: message)
        let totalDeadline = NIODeadline.now() + TimeAmount(configuration.totalTimeout)
        let peer = "\(configuration.host):\(configuration.port)"
        let channel = try await connect(peer: peer, totalDeadline: totalDeadline)
        do {
            return try await channel.executeThenClose { inbound, outbound in
                let conversation = SMTPConversation(
                    inbound: inbound, outbound: outbound, channel: channel.channel,
                    totalDeadline: totalDeadline, peer: peer)
                return try await SMTPTransaction(
                    plan: plan, conversation: conversation, configuration: configuration
                ).run()
            }
        } catch let error as SubmissionError {
            throw error
        } catch {
            throw SubmissionError(
                stage: .connect, code: .connectionClosed, isTransient: true,
                detail: "the connection to \(peer) failed: \(error)")
        }
    }

    private func connect(peer: String, totalDeadline: NIODeadline) async throws(SubmissionError)
        -> NIOAsyncChannel<ByteBuffer, ByteBuffer>
    {
        let remaining = totalDeadline - NIODeadline.now()
        let timeout = min(TimeAmount(configuration.connectTimeout), remaining)
        let maximumLineLength = configuration.maximumReplyLineLength
        do {
            return try await ClientBootstrap(group: eventLoopGroup)
                .connectTimeout(timeout)
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(ReplyLineDecoder(maximumLineLength: maximumLineLength)))
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch ChannelError.connectTimeout {
            throw SubmissionError(
                stage: .connect, code: .timeout, isTransient: true,
                detail: "could not connect to \(peer) within \(timeout.nanoseconds / 1_000_000) ms")
        } catch {
            if Task.isCancelled {
                throw SubmissionError(
                    stage: .connect, code: .cancelled, isTransient: true,
                    detail: "the connection to \(peer) was cancelled")
            }
            throw SubmissionError(
                stage: .connect, code: .connectionFailed, isTransient: true,
                detail: "could not connect to \(peer): \(error)")
        }
    }
}

extension TimeAmount {
    /// Converts a Swift `Duration`, saturating at NIO's range.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (nanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = overflow ? .nanoseconds(.max) : .nanoseconds(nanos.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue)
    }
}
