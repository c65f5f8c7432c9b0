import Foundation
import Sieve

/// The environment `sieve-check run` gives a script: this machine's host name and domain, the
/// envelope recipient as the user, and whatever `--environment NAME=VALUE` sets.
///
/// - SeeAlso: RFC 5183 §4
public enum CheckEnvironment {
    /// A problem with a `--environment` argument, as a sentence.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The environment for one run.
    ///
    /// - Parameters:
    ///   - assignments: `NAME=VALUE` strings, applied in order (a later one wins).
    ///   - recipient: the envelope recipient, reported as `vnd.dovecot.username`.
    ///   - hostname: the host name; nil asks the system.
    ///   - domain: the domain; nil takes `hostname` without its first label.
    public static func environment(assignments: [String], recipient: String, hostname: String? = nil,
                                   domain: String? = nil) throws(Problem) -> SieveEnvironment {
        let host = hostname ?? ProcessInfo.processInfo.hostName
        var environment = SieveEnvironment(domain: domain ?? SieveEnvironment.domain(ofHost: host), host: host,
                                           username: recipient.isEmpty ? nil : recipient)
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw Problem(message: "--environment \(assignment.debugDescription): expected NAME=VALUE, such as remote-ip=192.0.2.1")
            }
            let name = String(assignment[..<equals]).trimmingCharacters(in: .whitespaces)
            do {
                try environment.set(name, to: String(assignment[assignment.index(after: equals)...]))
            } catch {
                throw Problem(message: "--environment \(assignment.debugDescription): \(error.message)")
            }
        }
        return environment
    }

    /// The capability names `sieve-check capabilities` prints: every extension `require`
    /// accepts with `options`, in a stable order (the order `SieveCapability` lists them),
    /// except those a delivery agent compiles but cannot run (`imapsieve`).
    public static func capabilities(options: SieveOptions = SieveOptions()) -> [String] {
        SieveCapability.allCases.filter { !SieveCapability.compileOnly.contains($0) }.map(\.rawValue)
            .filter { options.enabledExtensions.contains($0) }
    }
}
