import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SluiceServer
import SluiceConfig

/// `sluice`: the Sieve-filtering LMTP delivery agent.
@main
struct Sluice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "A Sieve-filtering LMTP delivery agent.",
        subcommands: [Serve.self, Deliver.self, CheckConfig.self],
        defaultSubcommand: Serve.self
    )
}

/// Options shared by the commands that read a configuration.
struct ConfigurationOptions: ParsableArguments {
    @Option(help: "Configuration file (TOML). Without it, built-in defaults are used: LMTP on 127.0.0.1:2424, domain localhost, Maildirs under ./var/mail, scripts under ./var/sieve.")
    var config: String?

    @Option(name: .customLong("listen"), help: "Listen on HOST:PORT or unix:PATH instead of the configured addresses (repeatable).")
    var listen: [String] = []

    @Option(name: .customLong("relay"), help: "Send vacation replies and redirects over SMTP to HOST:PORT instead of the configured outbound path.")
    var relay: String?

    func load() throws -> SluiceConfiguration {
        var configuration: SluiceConfiguration
        if let config {
            configuration = try ConfigurationFile.load(path: config)
        } else {
            configuration = SluiceConfiguration.builtInDefaults(
                workingDirectory: FileManager.default.currentDirectoryPath)
        }
        if !listen.isEmpty {
            configuration.listeners = try listen.map { try SluiceConfiguration.Listener(parsing: $0) }
        }
        if let relay { try configuration.overrideRelay(relay) }
        return configuration
    }
}

extension Sluice {
    /// `sluice serve`: run the LMTP server until SIGTERM or SIGINT.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the LMTP server (the default command).")

        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let configuration: SluiceConfiguration
            do {
                configuration = try options.load()
            } catch let error as ConfigurationError {
                throw ValidationError(error.message)
            }
            let level = configuration.logLevel
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let logger = Logger(label: "sluice")
            let service = try SluiceService(configuration: configuration, logger: logger)
            let group = ServiceGroup(configuration: .init(
                services: [.init(service: service)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            ))
            try await group.run()
        }
    }

    /// `sluice check-config`: load the configuration, report problems, exit.
    struct CheckConfig: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-config",
            abstract: "Check a configuration and print what the server would listen on."
        )

        @OptionGroup var options: ConfigurationOptions

        func run() throws {
            do {
                let configuration = try options.load()
                print("configuration OK")
                for listener in configuration.listeners { print("listen \(listener)") }
                print("domains \(configuration.delivery.users.domains.joined(separator: " "))")
                let spool = configuration.receivingSpool
                print("spool \(spool.directory) " + (spool.makesLinkableFiles
                    ? "(a one-recipient message's spool file becomes its stored copy on the Maildirs' file system)"
                    : "(no O_TMPFILE here: every stored copy is written from the spool)"))
                let outbound = configuration.delivery.outbound
                switch outbound.method {
                case .smtp:
                    let host = outbound.relayHost.contains(":") ? "[\(outbound.relayHost)]" : outbound.relayHost
                    print("outbound smtp \(host):\(outbound.relayPort)")
                case .sendmail:
                    print("outbound sendmail \(outbound.sendmailCommand.joined(separator: " "))")
                }
            } catch let error as ConfigurationError {
                throw ValidationError(error.message)
            }
        }
    }
}
