import ArgumentParser
import Foundation
import Logging
import MailCore
import SluiceServer
import SluiceConfig
import Submission

extension Sluice {
    /// `sluice deliver`: deliver one message from standard input, as a local delivery agent.
    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver one message from standard input to the given recipients (a local delivery agent).",
            discussion: """
                Exit status (sysexits): 0 delivered, 67 unknown user, 75 temporary failure (the MTA retries), \
                77 rejected by a Sieve script (the reason is on standard error), 65 unusable message, \
                69 other permanent failure, 78 configuration error. With several recipients the worst wins: \
                75 > 77 > 67 > 69 > 0.
                """
        )

        @Option(name: .customShort("f"), help: "The envelope sender; \"\" or \"<>\" is the null sender. Default: the message's Return-Path, else the null sender.")
        var sender: String?

        @Option(help: "Configuration file (TOML). Without it, built-in defaults are used: domain localhost, Maildirs under ./var/mail, scripts under ./var/sieve.")
        var config: String?

        @Option(help: "Send rejection notices, vacation replies and redirects over SMTP to HOST:PORT instead of the configured [outbound] path.")
        var relay: String?

        @Flag(help: "Log to standard error at the configured level (by default nothing is logged, so that standard error holds only the delivery status the MTA reads).")
        var verbose = false

        @Argument(help: "The recipients (local@domain).")
        var recipients: [String] = []

        func validate() throws {
            guard !recipients.isEmpty else { throw ValidationError("expected at least one recipient address") }
        }

        func run() async throws {
            var configuration: SluiceConfiguration
            let submitter: any MessageSubmitter
            do {
                if let config {
                    configuration = try ConfigurationFile.load(path: config)
                } else {
                    configuration = SluiceConfiguration.builtInDefaults(
                        workingDirectory: FileManager.default.currentDirectoryPath)
                }
                if let relay { try configuration.overrideRelay(relay) }
                // Rejection notices leave the way vacation replies and redirects do.
                submitter = try LocalDelivery.outboundSubmitter(for: configuration)
            } catch {
                throw Self.finish(.configurationError, ["4.3.5 configuration: \(error)"])
            }
            var logger = Logger(label: "sluice-deliver") { _ in SwiftLogNoOpLogHandler() }
            if verbose {
                logger = Logger(label: "sluice-deliver") { label in
                    var handler = StreamLogHandler.standardError(label: label)
                    handler.logLevel = configuration.logLevel
                    return handler
                }
            }
            let delivery: LocalDelivery
            let message: SpooledMessage
            do {
                delivery = try LocalDelivery(configuration: configuration, submitter: submitter, logger: logger)
            } catch {
                throw Self.finish(.configurationError, ["4.3.5 configuration: \(error)"])
            }
            do {
                message = try LocalMessageReader.read(
                    fileDescriptor: STDIN_FILENO, spool: configuration.receivingSpool,
                    maximumSize: configuration.session.maximumMessageSize)
            } catch {
                throw Self.finish(error.status, [error.message])
            }
            let envelopeSender = sender ?? LocalDelivery.returnPath(of: message)
            let report = await delivery.deliver(sender: envelopeSender, recipients: recipients, message: message)
            throw Self.finish(report.status, report.diagnostics)
        }

        /// Prints `lines` on standard error and ends with `status`.
        static func finish(_ status: DeliverExitStatus, _ lines: [String]) -> ExitCode {
            for line in lines { FileHandle.standardError.write(Data((line + "\n").utf8)) }
            return ExitCode(status.rawValue)
        }
    }
}
