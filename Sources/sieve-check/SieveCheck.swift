import ArgumentParser

@main
struct SieveCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sieve-check",
        abstract: "Validate, run and trace Sieve scripts against messages."
    )
}
