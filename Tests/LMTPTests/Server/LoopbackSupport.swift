import LMTP
import MailCore
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A delivery handler for tests: users named in `known` exist, `tempfail@…` makes the
/// user database fail, recipients starting with `reject` are refused at delivery.
final class FakeDeliveryHandler: DeliveryHandler {
    let known: Set<String>
    private let delivered = Mutex<[(Envelope, [UInt8])]>([])

    init(known: Set<String> = ["alice", "bob", "carol"]) { self.known = known }

    func checkRecipient(_ recipient: MailPath) async -> RecipientVerdict {
        if recipient.localPart == "tempfail" { return .temporaryFailure("userdb unreachable") }
        return known.contains(recipient.localPart) || recipient.localPart.hasPrefix("reject") ? .accept : .unknownUser
    }

    func deliver(_ transaction: Transaction) async -> [LMTPReply] {
        let bytes = (try? transaction.message.bytes()) ?? []
        delivered.withLock { $0.append((transaction.envelope, bytes)) }
        return transaction.envelope.recipients.map { recipient in
            recipient.localPart.hasPrefix("reject")
                ? LMTPReply(code: 550, EnhancedStatusCode("5.7.1"), "<\(recipient)> refused by policy")
                : LMTPReply(code: 250, .ok, "<\(recipient)> delivered \(bytes.count) octets")
        }
    }

    var messages: [[UInt8]] { delivered.withLock { $0.map(\.1) } }
    var envelopes: [Envelope] { delivered.withLock { $0.map(\.0) } }
}

/// A plain byte client: writes raw bytes, splits what comes back into reply lines by
/// hand. It shares no code with the server's encoder or parser.
final class RawClient {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var pending: [UInt8] = []

    init(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.iterator = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    func send(_ text: String) async throws { try await outbound.write(ByteBuffer(string: text)) }
    func send(bytes: [UInt8]) async throws { try await outbound.write(ByteBuffer(bytes: bytes)) }

    /// Reads one line (without CRLF); nil at end of stream.
    func readLine() async throws -> String? {
        while true {
            if let lf = pending.firstIndex(of: 0x0A) {
                var line = Array(pending[..<lf])
                pending.removeFirst(lf + 1)
                if line.last == 0x0D { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard let more = try await iterator.next() else { return nil }
            pending += Array(more.readableBytesView)
        }
    }

    /// Reads one whole reply (all its lines); returns the lines, nil at end of stream.
    func readReply() async throws -> [String]? {
        var lines: [String] = []
        while let line = try await readLine() {
            lines.append(line)
            let bytes = Array(line.utf8)
            if bytes.count < 4 || bytes[3] != UInt8(ascii: "-") { return lines }
        }
        return lines.isEmpty ? nil : lines
    }

    /// Reads `count` replies and returns each one's last line.
    func read(_ count: Int) async throws -> [String] {
        var out: [String] = []
        for _ in 0..<count {
            guard let reply = try await readReply(), let last = reply.last else { break }
            out.append(last)
        }
        return out
    }

    /// Reads replies until the server closes; returns each one's last line.
    func readToEnd() async throws -> [String] {
        var out: [String] = []
        while let reply = try await readReply(), let last = reply.last { out.append(last) }
        return out
    }
}

/// The first `n` characters of each reply line: `"250 2.1.5"` for n = 9.
func codes(_ lines: [String], _ n: Int = 9) -> [String] { lines.map { String($0.prefix(n)) } }

enum Loopback {
    /// Starts a server, runs `body` with its address, then shuts it down gracefully and
    /// waits for `run` to return.
    static func withServer(
        _ configuration: LMTPServerConfiguration, handler: FakeDeliveryHandler = FakeDeliveryHandler(),
        _ body: (LMTPServer<FakeDeliveryHandler>, SocketAddress) async throws -> Void
    ) async throws {
        let server = LMTPServer(configuration: configuration, handler: handler)
        try await withThrowingTaskGroup(of: Void.self) { group in
            let (bound, continuation) = AsyncStream<SocketAddress?>.makeStream()
            group.addTask {
                try await server.run(onBound: { address in
                    continuation.yield(address)
                    continuation.finish()
                })
            }
            var addresses = bound.makeAsyncIterator()
            guard let maybeAddress = await addresses.next(), let address = maybeAddress else {
                server.shutdownGracefully()
                try await group.waitForAll()
                Issue.record("the server did not report a bound address")
                return
            }
            do {
                try await body(server, address)
            } catch {
                server.shutdownGracefully()
                throw error
            }
            server.shutdownGracefully()
            try await group.waitForAll()
        }
    }

    /// Connects to `address` and runs `body` with a raw client.
    static func withClient<T: Sendable>(_ address: SocketAddress, _ body: (RawClient) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(RawClient(inbound, outbound))
        }
    }

    static func configuration(
        maximumMessageSize: Int = 10_000, timeouts: ConnectionTimeouts = .init()
    ) -> LMTPServerConfiguration {
        LMTPServerConfiguration(
            address: .tcp(host: "127.0.0.1", port: 0),
            session: .init(serverName: "lmtp.test", maximumMessageSize: maximumMessageSize, maximumRecipients: 10),
            timeouts: timeouts, spool: MessageSpoolConfiguration(memoryThreshold: 64))
    }
}
