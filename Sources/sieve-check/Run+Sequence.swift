import ArgumentParser
import MailCore
import Sieve
import SieveCheckKit
import SieveReplay

extension SieveCheck.Run {
    /// `run --before B --after A`: the scripts as delivery runs them around a user's
    /// (`ScriptSequence`): text, `--trace` and `--json` show which script did what.
    func runSequence() throws {
        let (options, hostname, domain) = try site.load()
        let paths = before + [script] + after
        var scripts: [SequencedScript] = []
        var diagnostics: [[Diagnostic]] = []
        for path in paths {
            let compiled = SieveCompiler.compile(try readFile(path), file: path, options: options,
                                                 loader: try includes.checkingLoader(for: path, site: site))
            if !json { compiled.diagnostics.forEach { printError($0.description) } }
            diagnostics.append(compiled.diagnostics)
            if let program = compiled.script {
                scripts.append(.compiled(name: path, script: program))
            } else {
                scripts.append(.broken(name: path, diagnostics: compiled.diagnostics.filter { $0.severity == .error }.map(\.description)))
            }
        }
        let context = try messageContext(hostname: hostname, domain: domain)
        let recorders = paths.map { _ in trace ? SieveTraceRecorder() : nil }
        let outcome = ScriptSequence.run(scripts, context: context, options: options) { index, _ in recorders[index] }
        let traces = recorders.map { $0.map { $0.events.map(\.traceLine) } }

        if json {
            print(SequenceReport(outcome: outcome, traces: trace ? traces : [], diagnostics: diagnostics).jsonText())
        } else {
            if trace {
                print("trace:")
                for (index, lines) in traces.enumerated() {
                    guard let lines, !lines.isEmpty else { continue }
                    print("  \(paths[index]):")
                    for line in lines { print("    " + line) }
                }
            }
            print(outcome.textSummary)
            for error in outcome.errors { printError(error.description) }
            for step in outcome.steps {
                for warning in step.result?.warnings ?? [] {
                    printError(warning.warningDescription)
                }
            }
            for note in outcome.notes { printError("note: " + note) }
        }
        if outcome.steps.contains(where: { if case .broken = $0.status { true } else { false } }) { throw ExitCode(1) }
        if outcome.failed { throw ExitCode(2) }
    }
}

extension SieveCheck.Run {
    /// The run's context: the message file, the envelope (given or taken from the message),
    /// the environment, the fixed date, and the site's programs for `filter`/`execute`.
    func messageContext(hostname: String?, domain: String?) throws -> SieveMessageContext {
        let parsed = Message(bytes: try readFile(message))
        let envelope = SieveEnvelope.defaulted(for: parsed, from: from, to: to)
        let scriptEnvironment: SieveEnvironment
        do {
            scriptEnvironment = try CheckEnvironment.environment(assignments: environment, recipient: envelope.to,
                                                                 hostname: hostname, domain: domain)
        } catch {
            throw ValidationError(error.message)
        }
        var context = SieveMessageContext(message: parsed, envelope: envelope, htmlTextExtractor: LibXML2HTMLTextExtractor(),
                                          fixedDate: date.flatMap { DateTime(rfc3339: $0) }, environment: scriptEnvironment,
                                          programRunner: CheckPrograms.runner(user: scriptEnvironment.username,
                                                                              host: scriptEnvironment.host))
        if let maildir { context.mailboxCatalog = MailboxCatalog.reading(maildir: maildir) }
        context.externalLists = try site.lists(recipient: envelope.to)
        return context
    }
}
