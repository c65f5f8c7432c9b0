import ArgumentParser

/// `sieve-check`: validate, run and trace Sieve scripts against messages.
@main
struct SieveCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sieve-check",
        abstract: "Validate, run and trace Sieve scripts against messages.",
        subcommands: [Compile.self, Run.self, Test.self, Lint.self, Replay.self, Capabilities.self]
    )
}
