#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import MailCore
public import NIOCore
import NIOPosix
import Synchronization

/// Where the server listens, what it allows, how long it waits.
public struct LMTPServerConfiguration: Sendable {
    /// A listening address.
    public enum Address: Sendable, Hashable {
        /// TCP on `host:port`; port 0 picks a free port (see `onBound`).
        case tcp(host: String, port: Int)
        /// A Unix domain socket at `path`; an existing socket file there is replaced.
        /// `mode` (e.g. `0o660`) is applied with `chmod` after binding when given.
        case unixDomainSocket(path: String, mode: UInt32?)
    }

    /// Where to listen. Default `127.0.0.1:24` (the LMTP port of RFC 2033 §5 is 24 by custom).
    public var address: Address
    /// Session limits: server name, message size, recipients, bad commands.
    public var session: LMTPSession.Configuration
    /// Client timeouts.
    public var timeouts: ConnectionTimeouts
    /// Spooling of received messages.
    public var spool: MessageSpoolConfiguration
    /// The longest command line, CRLF excluded. Default 4096.
    public var maximumCommandLineLength: Int
    /// The listen backlog. Default 256.
    public var backlog: Int

    /// Creates a configuration.
    public init(
        address: Address = .tcp(host: "127.0.0.1", port: 24), session: LMTPSession.Configuration = .init(),
        timeouts: ConnectionTimeouts = .init(), spool: MessageSpoolConfiguration = .init(),
        maximumCommandLineLength: Int = 4096, backlog: Int = 256
    ) {
        self.address = address
        self.session = session
        self.timeouts = timeouts
        self.spool = spool
        self.maximumCommandLineLength = maximumCommandLineLength
        self.backlog = backlog
    }
}

/// A server lifecycle error: what went wrong, for an operator.
public struct LMTPServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The sentence to log.
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The LMTP server: accepts connections on TCP or a Unix socket and runs one session per
/// connection against a ``DeliveryHandler``.
///
/// ``run(onBound:)`` serves until ``shutdownGracefully()``: the listener closes at once,
/// connections waiting between transactions get `421 4.3.2` and close, connections in a
/// transaction finish it first. `run` returns when the last connection is done.
public final class LMTPServer<Handler: DeliveryHandler>: Sendable {
    private enum State {
        case idle
        case running(serverChannel: any Channel, connections: [Int: ConnectionControl<ContinuousClock>])
        case shuttingDown(connections: [Int: ConnectionControl<ContinuousClock>])
        case finished
    }

    private let configuration: LMTPServerConfiguration
    private let handler: Handler
    private let group: any EventLoopGroup
    private let state = Mutex(State.idle)
    private let nextConnection = Atomic<Int>(0)
    private let serverID: String
    private let report: @Sendable (ListenerEvent) -> Void

    /// Creates a server; nothing happens until ``run(onBound:)``.
    ///
    /// - Parameter report: receives what an operator should read about the listener
    ///   itself (accepting paused because file descriptors ran out, and resumed).
    public init(
        configuration: LMTPServerConfiguration, handler: Handler,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        report: @escaping @Sendable (ListenerEvent) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.handler = handler
        self.group = eventLoopGroup
        self.report = report
        var generator = SystemRandomNumberGenerator()
        self.serverID = String(generator.next() as UInt32, radix: 16)
    }

    /// Binds, reports the bound address, and serves until shut down.
    public func run(onBound: @Sendable (SocketAddress?) -> Void = { _ in }) async throws {
        let lineLength = configuration.maximumCommandLineLength
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<LMTPFrame, LMTPOutbound>> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(LMTPFramingHandler(maximumLineLength: lineLength))
                return try NIOAsyncChannel<LMTPFrame, LMTPOutbound>(wrappingChannelSynchronously: channel)
            }
        }
        let report = self.report
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: Int32(clamping: configuration.backlog))
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptPauseHandler(report: report))
                }
            }
        let serverChannel: NIOAsyncChannel<NIOAsyncChannel<LMTPFrame, LMTPOutbound>, Never>
        switch configuration.address {
        case .tcp(let host, let port):
            serverChannel = try await bootstrap
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .bind(host: host, port: port, childChannelInitializer: initializer)
        case .unixDomainSocket(let path, let mode):
            serverChannel = try await bootstrap
                .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true, childChannelInitializer: initializer)
            if let mode, chmod(path, mode_t(mode)) != 0 {
                let reason = String(cString: strerror(errno))
                try? await serverChannel.channel.close()
                throw LMTPServerError("cannot set mode \(String(mode, radix: 8)) on \(path): \(reason)")
            }
        }

        let accepted: Bool = state.withLock { state in
            guard case .idle = state else { return false }
            state = .running(serverChannel: serverChannel.channel, connections: [:])
            return true
        }
        guard accepted else {
            try? await serverChannel.channel.close()
            throw LMTPServerError("LMTP server: run() called twice or after shutdown")
        }
        onBound(serverChannel.channel.localAddress)

        try await withThrowingDiscardingTaskGroup { tasks in
            try await serverChannel.executeThenClose { connections in
                for try await connection in connections {
                    tasks.addTask { await self.serve(connection) }
                }
            }
        }
        state.withLock { $0 = .finished }
    }

    /// Stops accepting, says goodbye to idle connections, lets busy ones finish their
    /// transaction. ``run(onBound:)`` returns once every connection has ended.
    public func shutdownGracefully() {
        let (listener, controls): ((any Channel)?, [ConnectionControl<ContinuousClock>]) = state.withLock { state in
            switch state {
            case .idle:
                state = .finished
                return (nil, [])
            case .running(let serverChannel, let connections):
                state = .shuttingDown(connections: connections)
                return (serverChannel, Array(connections.values))
            case .shuttingDown, .finished:
                return (nil, [])
            }
        }
        listener?.close(promise: nil)
        for control in controls {
            if case .close(let reply, let outbound) = control.requestShutdown() {
                let channel = control.channel
                Task { await ConnectionControl<ContinuousClock>.closeConnection(channel, outbound, with: reply) }
            }
        }
    }

    private func serve(_ channel: NIOAsyncChannel<LMTPFrame, LMTPOutbound>) async {
        let number = nextConnection.add(1, ordering: .relaxed).newValue
        let control = ConnectionControl(
            clock: ContinuousClock(), timeouts: configuration.timeouts, channel: channel.channel,
            serverName: configuration.session.serverName)
        let shuttingDown: Bool = state.withLock { state in
            switch state {
            case .running(let serverChannel, var connections):
                connections[number] = control
                state = .running(serverChannel: serverChannel, connections: connections)
                return false
            case .shuttingDown(var connections):
                // Accepted just before the listener closed: serve it, but end at once.
                connections[number] = control
                state = .shuttingDown(connections: connections)
                return true
            case .idle, .finished:
                return true
            }
        }
        if shuttingDown { _ = control.requestShutdown() }
        let connection = LMTPConnection(
            channel: channel, handler: handler, session: configuration.session, spool: configuration.spool,
            control: control, connectionID: "\(serverID)-\(number)")
        await connection.run()
        state.withLock { state in
            switch state {
            case .running(let serverChannel, var connections):
                connections[number] = nil
                state = .running(serverChannel: serverChannel, connections: connections)
            case .shuttingDown(var connections):
                connections[number] = nil
                state = .shuttingDown(connections: connections)
            case .idle, .finished: break
            }
        }
    }
}
