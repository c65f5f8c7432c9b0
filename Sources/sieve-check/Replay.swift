import ArgumentParser
import Reports
import Sieve
import SieveReplay
#if canImport(Glibc)
import Glibc
#endif

/// `body :text` in sieve-check reads HTML with libxml2, as delivery does.
struct LibXML2HTMLTextExtractor: HTMLTextExtractor {
    func text(fromHTML html: [UInt8], charset: String?) -> String {
        HTMLText.extractText(fromHTML: html, charset: charset)
    }
}

extension SieveCheck {
    /// `sieve-check replay SCRIPT --maildir DIR`: a dry run over an existing Maildir.
    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a script over every message of a Maildir (read-only) and count the outcomes.",
            discussion: """
                Covers INBOX and every Maildir++ folder (new/ and cur/). Nothing on disk is changed:
                files are only opened for reading. The envelope sender comes from each message's
                Return-Path, the recipient from its Delivered-To, else --to. Exits 0 when every run
                was clean, 1 when a script does not compile or the Maildir cannot be read, 2 when
                some messages hit runtime errors.
                """
        )

        @ArgumentParser.Argument(help: "The Sieve script.")
        var script: String

        @Option(help: "The Maildir root (the directory holding cur/, new/ and the .Folder directories).")
        var maildir: String

        @Option(help: "Only messages delivered on or after this date: YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS]Z (UTC) or epoch seconds.")
        var since: String?

        @Option(help: "Envelope recipient for messages without Delivered-To (the Maildir's owner).")
        var to: String = "recipient@localhost"

        @Option(help: "Compare with an older version of the script: list only the messages whose actions change.")
        var diff: String?

        @Option(help: ArgumentHelp("Run this script before SCRIPT for each message, as a site's [scripts] before script (repeatable).",
                                   valueName: "script"))
        var before: [String] = []

        @Option(help: ArgumentHelp("Run this script after SCRIPT for each message, as a site's [scripts] after script (repeatable).",
                                   valueName: "script"))
        var after: [String] = []

        @OptionGroup var site: SiteConfigurationOption

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        @Flag(help: "With --json (without --diff): include every message's actions.")
        var perMessage = false

        @OptionGroup var includes: IncludeDirectoriesOption

        func run() throws {
            var sinceTime: Int?
            if let since {
                guard let parsed = ReplayDate.parse(since) else {
                    throw ValidationError("--since \"\(since)\" is not a date; expected YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS]Z or epoch seconds")
                }
                sinceTime = parsed
            }
            let options = try site.load().options
            let siteScripts = try site.scripts()
            func sequenced(_ paths: [String]) throws -> [SequencedScript] {
                try paths.map { path in
                    guard let source = try? readFile(path) else { return .missing(name: path) }
                    let compiled = SieveCompiler.compile(source, file: path, options: options)
                    compiled.diagnostics.forEach { printError($0.description) }
                    guard let program = compiled.script else { throw ExitCode(1) }
                    return .compiled(name: path, script: program)
                }
            }
            var scripts: [CompiledScript] = []
            for path in [diff, script].compactMap({ $0 }) {
                let compiled = SieveCompiler.compile(try readFile(path), file: path, options: options,
                                                     loader: includes.loader(for: path, configured: nil))
                compiled.diagnostics.forEach { printError($0.description) }
                guard let program = compiled.script else { throw ExitCode(1) }
                scripts.append(program)
            }
            var replay = MaildirReplay(root: maildir, owner: to, since: sinceTime, options: options,
                                       htmlTextExtractor: LibXML2HTMLTextExtractor())
            replay.before = try sequenced(siteScripts.before + before)
            replay.after = try sequenced(after + siteScripts.after)
            let files: [MaildirMessageFile]
            do {
                files = try replay.files()
            } catch {
                printError("sieve-check: \(error.description)")
                throw ExitCode(1)
            }
            var bar = ProgressBar(enabled: isatty(2) == 1 && files.count >= 200)
            let reports = replay.run(scripts, files: files) { done, total in bar.update(done, total) }
            bar.finish()

            let current = reports[reports.count - 1]
            if diff != nil {
                let changes = MaildirReplay.changes(from: reports[0], to: current)
                if json {
                    print(ReplayJSON.diff(changes, messages: files.count))
                } else {
                    for change in changes {
                        print("\(change.file)\n  old: \(change.old.actionSummary)\n  new: \(change.new.actionSummary)")
                    }
                    print("\(changes.count) of \(files.count) messages change")
                }
            } else if json {
                print(ReplayJSON.report(current, perMessage: perMessage))
            } else {
                print(current.summary.table)
            }
            if !json {
                for outcome in current.outcomes where !outcome.errors.isEmpty {
                    printError("\(outcome.file): \(outcome.errors.joined(separator: "; "))")
                }
            }
            if current.summary.errors > 0 { throw ExitCode(2) }
        }
    }
}

/// A one-line progress bar on standard error, redrawn at most once per percent.
struct ProgressBar {
    let enabled: Bool
    var lastPercent = -1

    mutating func update(_ done: Int, _ total: Int) {
        guard enabled, total > 0 else { return }
        let percent = done * 100 / total
        guard percent != lastPercent else { return }
        lastPercent = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled)
        writeStandardError("\r[\(bar)] \(percent)% \(done)/\(total)")
    }

    func finish() {
        guard enabled, lastPercent >= 0 else { return }
        writeStandardError("\r\u{1B}[K")
    }
}
