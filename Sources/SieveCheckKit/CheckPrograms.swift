import ExternalProgram
import Foundation
import Sieve

/// How `sieve-check run` and `test` run the programs of `pipe`, `filter` and `execute`:
/// as delivery does (the configured directories, no shell, a clean environment, the
/// timeout and output limit), with this process's user and home.
public enum CheckPrograms {
    /// A runner for `SieveMessageContext` and `TestSuiteRunner`; `host` is the `HOST`
    /// variable's value, `user` the `USER` one's.
    public static func runner(user: String?, host: String?) -> @Sendable (ExternalProgramRequest) -> ExternalProgramOutcome {
        let processEnvironment = ProcessInfo.processInfo.environment
        let userName = user ?? processEnvironment["USER"] ?? "nobody"
        let home = processEnvironment["HOME"] ?? FileManager.default.currentDirectoryPath
        return { request in
            run(request, user: userName, home: home, host: host)
        }
    }

    /// Runs one request.
    public static func run(_ request: ExternalProgramRequest, user: String, home: String?, host: String?) -> ExternalProgramOutcome {
        guard let directory = request.directory else {
            return .failed(reason: "the vnd.dovecot.\(request.kind.rawValue) extension is not configured (no program directory)")
        }
        let envelope = request.envelope
        let environment = ProgramEnvironment.variables(
            user: user, home: home, host: host, sender: envelope?.from ?? "", recipient: envelope?.to ?? "",
            originalRecipient: envelope?.origTo)
        return outcome(NamedProgram.run(
            request.name, in: directory, arguments: request.arguments, environment: environment, input: request.input,
            timeout: request.settings.timeout, capturesOutput: request.capturesOutput, maxOutput: request.settings.maxOutput))
    }

    /// A named program's outcome in the terms of the Sieve module.
    public static func outcome(_ outcome: NamedProgram.Outcome) -> ExternalProgramOutcome {
        switch outcome {
        case .succeeded(let output): return .succeeded(output: output)
        case .declined(let status, _): return .declined(status: status)
        case .notFound(let reason): return .notFound(reason: reason)
        case .failed(let reason): return .failed(reason: reason)
        }
    }
}
