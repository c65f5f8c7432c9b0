import ArgumentParser
import MailCore
import Reports
import Sieve
import SieveCheckKit

extension SieveCheck {
    /// `sieve-check run SCRIPT MESSAGE`: run a script against a message and print the actions.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a script against a message and print the resulting actions.",
            discussion: """
                The envelope sender defaults to the message's Return-Path (else its From address);
                the recipient defaults to its Delivered-To (else the first To address).
                Exits 0 when the script ran cleanly, 1 when it does not compile or a file cannot be
                read, 2 when it failed at run time (the result is then the implicit keep).
                """
        )

        @ArgumentParser.Argument(help: "The Sieve script.")
        var script: String

        @ArgumentParser.Argument(help: "The message, as an RFC 5322 file (CRLF or LF line ends).")
        var message: String

        @Option(help: "Envelope sender (MAIL FROM); use \"\" for the null sender.")
        var from: String?

        @Option(help: "Envelope recipient (RCPT TO) the script runs for.")
        var to: String?

        @Option(help: ArgumentHelp(
            "Run as if it were this date and time, e.g. 2026-12-07T10:00:00+01:00 (RFC 3339).",
            discussion: "Fixes what currentdate sees, and the offset becomes the local zone that date uses without :zone. Default: the system clock and zone.",
            valueName: "date-time"))
        var date: String?
        @Option(name: .customLong("environment"), help: ArgumentHelp(
            "Set an environment item the script sees, as NAME=VALUE (repeatable): remote-ip, remote-host, host, domain, "
                + "location, phase, vnd.dovecot.username, vnd.dovecot.config.NAME, ...",
            discussion: "Defaults: host is this machine's name, domain its name without the first label, location MDA, phase during, vnd.dovecot.username the envelope recipient; remote-ip and remote-host do not exist unless set.",
            valueName: "name=value"))
        var environment: [String] = []

        @Option(help: ArgumentHelp(
            "Run this script before SCRIPT, as a site's [scripts] before script (repeatable, in order).",
            discussion: "The scripts run as delivery runs them: the next one only while a keep is in effect; see README \"Scripts before and after the user's\".",
            valueName: "script"))
        var before: [String] = []

        @Option(help: ArgumentHelp("Run this script after SCRIPT, as a site's [scripts] after script (repeatable, in order).",
                                   valueName: "script"))
        var after: [String] = []

        @Option(help: ArgumentHelp(
            "Answer mailboxexists, special-use, mailboxid and mboxmetadata from this Maildir.",
            discussion: "Its folders exist; sluice-special-use, sluice-mailboxid and sluice-metadata give the marks, ids and annotations (README \"Mailbox attributes\"). Without it every mailbox exists and none has attributes.",
            valueName: "dir"))
        var maildir: String?

        @OptionGroup var site: SiteConfigurationOption

        @OptionGroup var includes: IncludeDirectoriesOption

        @Flag(help: "Print one JSON document: {\"actions\":[...],\"errors\":[...]}.")
        var json = false

        @Flag(help: "Show each command and test as it is evaluated, with its line and outcome.")
        var trace = false

        @Option(help: ArgumentHelp(
            "Also write a self-contained HTML page explaining the run to this file.",
            discussion: "The page shows the script with each test marked matched, not matched or not evaluated, the values it compared, the actions, the implicit keep, the envelope and the header fields.",
            valueName: "file"))
        var html: String?

        func validate() throws {
            if html != nil && !(before.isEmpty && after.isEmpty) {
                throw ValidationError("--html explains one script; it cannot be combined with --before or --after")
            }
            if let date, DateTime(rfc3339: date) == nil {
                throw ValidationError("--date \"\(date)\" is not a date-time; expected YYYY-MM-DDTHH:MM:SS followed by Z or +hh:mm/-hh:mm, e.g. 2026-12-07T10:00:00+01:00")
            }
        }

        func run() throws {
            if !before.isEmpty || !after.isEmpty { return try runSequence() }
            let source = try readFile(script)
            let (options, hostname, domain) = try site.load()
            let compiled = SieveCompiler.compile(source, file: script, options: options,
                                                 loader: try includes.checkingLoader(for: script, site: site))
            guard let program = compiled.script else {
                if let html {
                    let parsed = Message(bytes: try readFile(message))
                    let envelope = SieveEnvelope.defaulted(for: parsed, from: from, to: to)
                    try writePage(html, source: source, outcome: .notCompiled(diagnostics: compiled.diagnostics),
                                  envelope: envelope, message: parsed)
                }
                if json {
                    print(CheckReport(diagnostics: compiled.diagnostics).jsonText())
                } else {
                    compiled.diagnostics.forEach { printError($0.description) }
                }
                throw ExitCode(1)
            }
            if !json { compiled.diagnostics.forEach { printError($0.description) } }

            let context = try messageContext(hostname: hostname, domain: domain)
            let (parsed, envelope) = (context.message, context.envelope)
            let tracer = trace || html != nil ? SieveTraceRecorder() : nil
            let result = SieveInterpreter.run(program, context: context, options: options, tracer: tracer)

            if let html {
                let outcome = RunExplanation.Outcome.ran(result: result, events: tracer?.events ?? [],
                                                          warnings: compiled.diagnostics)
                try writePage(html, source: source, outcome: outcome, envelope: envelope, message: parsed)
            }

            let traceLines = trace ? tracer?.events.map(\.traceLine) : nil
            if let traceLines, !json {
                print("trace:")
                for line in traceLines { print("  " + line) }
            }
            if json {
                print(CheckReport(result: result, trace: traceLines).jsonText())
            } else {
                for line in result.debugMessages { print("debug_log: " + line) }
                print("actions:")
                print(result.textSummary)
                if let header = result.editedHeaderSummary {
                    print("edited header:")
                    print(header)
                }
                if let edited = result.modifiedMessage, edited.body != parsed.body {
                    print("edited body: \(edited.body.count) octets (received: \(parsed.body.count)), MIME type "
                          + edited.mimeRoot.contentType.mimeType)
                }
                for error in result.errors { printError(error.description) }
                for warning in result.warnings {
                    printError(warning.warningDescription)
                }
            }
            if !result.errors.isEmpty { throw ExitCode(2) }
        }

        private func writePage(_ path: String, source: [UInt8], outcome: RunExplanation.Outcome,
                               envelope: SieveEnvelope, message parsed: Message) throws {
            let input = RunExplanation.input(scriptName: script, source: source, outcome: outcome,
                                             envelope: envelope, message: parsed)
            do {
                try HTMLTraceReport.write(input, toPath: path)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }
}
