import NIOCore
import NIOPosix
import Synchronization

/// A tiny SMTP server for tests: listens on 127.0.0.1 (port chosen by the system), records each
/// session's commands, envelopes and messages, and answers as its `Behaviour` says.
///
/// It is written independently of Sluice's SMTP client, with its own line handling: commands are
/// lines ending in CRLF (a bare CR or LF stays inside the line, visible to tests), and message
/// content is unstuffed line by line until a line holding a single dot. Every test starts its
/// own sink, so tests share no ports or state.
public final class SMTPSink: Sendable {
    /// A reply the sink sends: one code, one or more text lines.
    public struct Reply: Sendable, Hashable {
        public var code: Int
        public var lines: [String]

        /// A reply with the given code and text lines (one line per argument).
        public init(_ code: Int, _ lines: String...) {
            self.code = code
            self.lines = lines.isEmpty ? [""] : lines
        }

        /// The octets on the wire: `code-text` for all lines but the last, `code text` for the last.
        var wire: [UInt8] {
            var out = ""
            for (index, line) in lines.enumerated() {
                let separator = index == lines.count - 1 ? " " : "-"
                out += "\(code)\(line.isEmpty && separator == " " ? "" : separator)\(line)\r\n"
            }
            return Array(out.utf8)
        }
    }

    /// The points in a session where a test can change what the sink does.
    public enum Stage: String, Sendable, Hashable {
        case greeting, ehlo, helo, mail, rcpt, data, message, quit
    }

    /// What the sink does at a stage instead of its usual reply.
    public enum Action: Sendable, Hashable {
        /// Send this reply.
        case reply(Reply)
        /// Send nothing and ignore everything that follows (the client should time out).
        case stall
        /// Close the connection without a reply.
        case close
    }

    /// How the sink behaves; the defaults make a well-behaved ESMTP server.
    public struct Behaviour: Sendable {
        /// Announce PIPELINING in the EHLO reply.
        public var pipelining = true
        /// Announce SIZE with this limit (0 = no limit); nil = do not announce SIZE.
        public var size: Int? = nil
        /// Announce SMTPUTF8.
        public var smtpUTF8 = false
        /// Announce 8BITMIME.
        public var eightBitMIME = false
        /// Replace the usual reply at a stage.
        public var overrides: [Stage: Action] = [:]
        /// Replace the usual `RCPT TO` reply for one address (exact match, without brackets).
        public var recipientOverrides: [String: Action] = [:]
        /// Close the connection once this many octets of message data have arrived.
        public var closeAfterDataOctets: Int? = nil
        /// Send each reply one octet per write, to exercise the client's framing.
        public var trickleReplies = false

        public init() {}
    }

    /// One accepted mail transaction as the sink decoded it.
    public struct Transaction: Sendable, Hashable {
        /// The reverse-path between the angle brackets of `MAIL FROM` (empty for `<>`).
        public var mailFrom: String
        /// The parameters after `MAIL FROM:<...>`, split on spaces (`SIZE=123`, `SMTPUTF8`, ...).
        public var mailParameters: [String]
        /// The recipients the sink accepted, without brackets, in order.
        public var recipients: [String]
        /// The message after removing the stuffing dots, lines ending in CRLF.
        public var message: [UInt8]
        /// The octets received after `354`, terminating `.` line included.
        public var wireData: [UInt8]
    }

    /// Everything the sink saw on one connection.
    public struct Session: Sendable, Hashable {
        /// Every command line, in order, without CRLF.
        public var commands: [String] = []
        /// Command lines grouped by the read that delivered them (shows pipelining).
        public var batches: [[String]] = []
        /// Completed transactions.
        public var transactions: [Transaction] = []
        /// The client sent `QUIT`.
        public var quitReceived = false
    }

    /// The port the sink listens on, on 127.0.0.1.
    public let port: Int
    private let recorder: Recorder
    private let server: Task<Void, Never>
    private let channel: any Channel

    private init(port: Int, recorder: Recorder, server: Task<Void, Never>, channel: any Channel) {
        self.port = port
        self.recorder = recorder
        self.server = server
        self.channel = channel
    }

    /// Starts a sink on 127.0.0.1 with a system-chosen port.
    public static func start(_ behaviour: Behaviour = Behaviour()) async throws -> SMTPSink {
        let serverChannel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        guard let port = serverChannel.channel.localAddress?.port else {
            throw SinkError(message: "the sink's listening socket has no port")
        }
        let recorder = Recorder()
        let server = Task<Void, Never> {
            _ = try? await serverChannel.executeThenClose { inbound in
                await withDiscardingTaskGroup { group in
                    do {
                        for try await connection in inbound {
                            let index = recorder.newSession()
                            group.addTask {
                                let handler = SinkConnection(behaviour: behaviour, recorder: recorder, session: index)
                                try? await handler.serve(connection)
                            }
                        }
                    } catch {
                        // The listener closed; connections already running finish on their own.
                    }
                }
            }
        }
        return SMTPSink(port: port, recorder: recorder, server: server, channel: serverChannel.channel)
    }

    /// The sessions seen so far, in connection order.
    public var sessions: [Session] { recorder.sessions }

    /// All transactions of all sessions, in order.
    public var transactions: [Transaction] { recorder.sessions.flatMap(\.transactions) }

    /// Stops listening and ends open connections; returns when the port is closed.
    public func stop() async {
        try? await channel.close()
        server.cancel()
        await server.value
    }
}

/// An error setting up the sink.
public struct SinkError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// The sessions, shared between the connection tasks and the test.
final class Recorder: Sendable {
    private let state = Mutex<[SMTPSink.Session]>([])

    func newSession() -> Int {
        state.withLock { sessions in
            sessions.append(SMTPSink.Session())
            return sessions.count - 1
        }
    }

    func update(_ index: Int, _ change: (inout SMTPSink.Session) -> Void) {
        state.withLock { change(&$0[index]) }
    }

    var sessions: [SMTPSink.Session] { state.withLock { $0 } }
}
