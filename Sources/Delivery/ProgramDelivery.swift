import ExternalProgram
import MailCore
import Sieve

extension RecipientSieveContext {
    /// Runs a `filter` or `execute` program of the site's directory for this recipient.
    func runProgram(_ request: ExternalProgramRequest) -> ExternalProgramOutcome {
        var input = request.input
        // A script that does not read the body saw only the header section: the program
        // gets the whole message all the same.
        if request.inputIsOriginalMessage, let prepared, case .success(let whole) = prepared.whole() {
            input = ExternalProgramRequest.converting(whole.bytes, to: request.settings.inputLineEnds)
        }
        return DeliveryPrograms.run(request, input: input, user: user, envelope: envelope, host: environment.host)
    }
}

/// Runs the programs of `pipe`, `filter` and `execute` as delivery does: found by name in
/// the configured directory, no shell, the environment of `ProgramEnvironment`, the
/// configured timeout and output limit.
enum DeliveryPrograms {
    static func run(_ request: ExternalProgramRequest, input: [UInt8], user: DeliveryUser, envelope: SieveEnvelope,
                    host: String?) -> ExternalProgramOutcome {
        guard let directory = request.directory else {
            return .failed(reason: "the vnd.dovecot.\(request.kind.rawValue) extension is not configured (no program directory)")
        }
        let environment = ProgramEnvironment.variables(
            user: user.address, home: user.maildirPath, host: host, sender: envelope.from, recipient: envelope.to,
            originalRecipient: envelope.origTo)
        switch NamedProgram.run(request.name, in: directory, arguments: request.arguments, environment: environment,
                                input: input, timeout: request.settings.timeout, capturesOutput: request.capturesOutput,
                                maxOutput: request.settings.maxOutput) {
        case .succeeded(let output): return .succeeded(output: output)
        case .declined(let status, _): return .declined(status: status)
        case .notFound(let reason): return .notFound(reason: reason)
        case .failed(let reason): return .failed(reason: reason)
        }
    }
}

extension DeliveryEnvironment {
    /// Pipes the message to each program (blocking), recording how each went; returns
    /// true when one that is not `:try` failed.
    func pipe(_ pipes: [PipeRequest], user: DeliveryUser, transaction: DeliveryTransaction, message: PreparedMessage,
              outcome: inout RecipientOutcome) -> Bool {
        var failed = false
        let settings = sieveOptions.programs
        for pipe in pipes {
            let bytes: [UInt8]
            if let modified = pipe.message {
                bytes = modified.bytes
            } else {
                switch message.whole() {
                case .success(let whole): bytes = whole.bytes
                case .failure(let error):
                    outcome.pipeResults.append("\(quoted(pipe.action.program)) failed: \(error.message)")
                    if !pipe.action.isTry { failed = true }
                    continue
                }
            }
            let request = ExternalProgramRequest(
                kind: .pipe, name: pipe.action.program, arguments: pipe.action.arguments,
                input: ExternalProgramRequest.converting(bytes, to: settings.inputLineEnds), capturesOutput: false,
                settings: settings)
            let envelope = SieveEnvelope(from: transaction.sender, to: user.recipient)
            let problem: String?
            switch DeliveryPrograms.run(request, input: request.input, user: user, envelope: envelope,
                                        host: configuration.hostname) {
            case .succeeded: problem = nil
            case .declined(let status): problem = "it exited with status \(status)"
            case .notFound(let reason): problem = "program not found: \(reason)"
            case .failed(let reason): problem = reason
            }
            guard let problem else {
                outcome.pipeResults.append("\(quoted(pipe.action.program)) done")
                continue
            }
            outcome.pipeResults.append("\(quoted(pipe.action.program)) failed: \(problem)")
            if pipe.action.isTry {
                outcome.notes.append("pipe :try to \(quoted(pipe.action.program)) failed (\(problem)); ignored")
            } else {
                outcome.notes.append("pipe to \(quoted(pipe.action.program)) failed (\(problem)); the message is kept in INBOX instead")
                failed = true
            }
        }
        return failed
    }

    private func quoted(_ text: String) -> String { DiagnosticText.quoted(text) }
}
