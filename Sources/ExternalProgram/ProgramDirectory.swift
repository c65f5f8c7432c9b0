#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds a program by its bare name in a directory the site configured.
public enum ProgramDirectory {
    /// Why a program cannot be used.
    public enum LookupFailure: Error, Sendable, Equatable {
        /// No file of that name.
        case notFound(String)
        /// A file is there but must not or cannot be run.
        case unusable(String)
    }

    /// The path of program `name` in `directory`: a regular file, executable, not
    /// writable by everyone. `name` must already be a bare name (no `/`).
    public static func locate(_ name: String, in directory: String) -> Result<String, LookupFailure> {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            return .failure(.unusable("\"\(name)\" is not a bare program name"))
        }
        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        var info = stat()
        guard stat(path, &info) == 0 else {
            let error = errno
            if error == ENOENT || error == ENOTDIR { return .failure(.notFound("\(path) does not exist")) }
            return .failure(.unusable("cannot examine \(path): \(String(cString: strerror(error)))"))
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(.unusable("\(path) is not a regular file")) }
        guard info.st_mode & S_IWOTH == 0 else { return .failure(.unusable("\(path) is writable by everyone")) }
        guard access(path, X_OK) == 0 else { return .failure(.unusable("\(path) is not executable")) }
        return .success(path)
    }
}

/// The environment a program starts with: nothing inherited from the server, only these
/// variables (those that are known).
///
/// | variable | value |
/// | --- | --- |
/// | `PATH` | `/usr/local/bin:/usr/bin:/bin` |
/// | `USER` | the user the script runs for |
/// | `HOME` | the user's home (mail) directory, when known |
/// | `HOST` | this host's name |
/// | `SENDER` | the envelope sender; absent for the null sender |
/// | `RECIPIENT` | the envelope recipient |
/// | `ORIG_RECIPIENT` | the original recipient (ORCPT), when the MTA passed one |
public enum ProgramEnvironment {
    public static let path = "/usr/local/bin:/usr/bin:/bin"

    public static func variables(user: String, home: String?, host: String?, sender: String, recipient: String,
                                 originalRecipient: String?) -> [String: String] {
        var environment = ["PATH": path, "USER": user]
        if let home, !home.isEmpty { environment["HOME"] = home }
        if let host, !host.isEmpty { environment["HOST"] = host }
        if !sender.isEmpty { environment["SENDER"] = sender }
        if !recipient.isEmpty { environment["RECIPIENT"] = recipient }
        if let originalRecipient, !originalRecipient.isEmpty { environment["ORIG_RECIPIENT"] = originalRecipient }
        return environment
    }
}

/// A program of a configured directory run by name: located, started, waited for.
public enum NamedProgram {
    /// How the run ended, in the terms a Sieve script sees.
    public enum Outcome: Sendable, Equatable {
        /// Exit status 0; the output when captured.
        case succeeded(output: [UInt8])
        /// It ran and exited with another status.
        case declined(status: Int32, standardError: String)
        /// No such program in the directory.
        case notFound(String)
        /// It could not be started or did not finish properly (killed, timed out, too much output).
        case failed(String)
    }

    /// Locates `name` in `directory` and runs it with `invocation`'s other fields.
    public static func run(_ name: String, in directory: String, arguments: [String], environment: [String: String],
                           input: [UInt8], timeout: Duration?, capturesOutput: Bool, maxOutput: Int) -> Outcome {
        let path: String
        switch ProgramDirectory.locate(name, in: directory) {
        case .success(let found): path = found
        case .failure(.notFound(let reason)): return .notFound(reason)
        case .failure(.unusable(let reason)): return .failed(reason)
        }
        let run: ProgramRun
        do {
            run = try ProgramRunner.run(ProgramInvocation(
                path: path, arguments: arguments, environment: environment, input: input, timeout: timeout,
                capturesOutput: capturesOutput, maxOutput: maxOutput))
        } catch {
            return .failed(error.message)
        }
        if run.succeeded { return .succeeded(output: run.output) }
        if !run.timedOut, !run.outputTooLarge, case .exited(let status) = run.termination {
            return .declined(status: status, standardError: run.standardError)
        }
        let detail = run.standardError.isEmpty ? "" : " (standard error: \(run.standardError.prefix(200)))"
        return .failed((run.failureDescription ?? "it failed") + detail)
    }
}
