import Delivery
import SluiceConfig
import LMTP
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import TrackingSQLite

/// The running server: one LMTP listener per configured address, all handing their
/// transactions to one delivery agent.
///
/// As a `Service` it stops on graceful shutdown (SIGTERM/SIGINT through a
/// `ServiceGroup`): the listeners close, transactions in flight finish, then `run()`
/// returns.
public final class SluiceService: Service, Sendable {
    public let configuration: SluiceConfiguration
    private let servers: [(SluiceConfiguration.Listener, LMTPServer<DeliveryBridge>)]
    private let logger: Logger
    private let onBound: @Sendable (SluiceConfiguration.Listener, SocketAddress?) -> Void

    /// Builds the agent and the listeners; fails with a readable message when the
    /// configuration cannot work (e.g. a relative global script path).
    public init(
        configuration: SluiceConfiguration, logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onBound: @escaping @Sendable (SluiceConfiguration.Listener, SocketAddress?) -> Void = { _, _ in }
    ) throws(ConfigurationError) {
        let agent: DeliveryAgent
        do {
            agent = try DeliveryAgent(configuration: configuration.delivery, logger: logger,
                                      trackingStore: SQLiteTrackingStore(path: configuration.delivery.vacation.trackingDatabase))
        } catch {
            throw ConfigurationError("invalid delivery configuration: \(error)")
        }
        guard !configuration.listeners.isEmpty else {
            throw ConfigurationError("no listen address configured")
        }
        let bridge = DeliveryBridge(agent: agent, logger: logger)
        self.configuration = configuration
        self.logger = logger
        self.onBound = onBound
        self.servers = configuration.listeners.map { listener in
            (listener, LMTPServer(configuration: configuration.serverConfiguration(for: listener),
                                  handler: bridge, eventLoopGroup: eventLoopGroup,
                                  report: { [logger] event in
                                      let level: Logger.Level = if case .acceptResumed = event { .notice } else { .warning }
                                      logger.log(level: level, "\(event)", metadata: ["listen": "\(listener)"])
                                  }))
        }
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                for (listener, server) in servers {
                    let logger = self.logger, onBound = self.onBound
                    group.addTask {
                        try await server.run { address in
                            logger.notice("listening for LMTP", metadata: [
                                "listen": "\(listener)", "address": "\(address.map { "\($0)" } ?? "?")",
                            ])
                            onBound(listener, address)
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            self.shutdownGracefully()
        }
        logger.notice("stopped")
    }

    /// Stops accepting connections and lets transactions in flight finish.
    public func shutdownGracefully() {
        for (_, server) in servers { server.shutdownGracefully() }
    }
}
