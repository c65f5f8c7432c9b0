import ArgumentParser
import Sieve

extension SieveCheck {
    /// `sieve-check lint [--strict] SCRIPT...`: warn about what compiles but is almost certainly wrong.
    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Warn about script constructs that compile but are almost certainly wrong.",
            discussion: """
                Prints file:line:column warnings on standard output (compile errors on standard error) (code after stop, :matches without wildcards, unused require,
                fileinto the same folder twice, reject beside conflicting actions, vacation :days 0, header
                names with a colon or space, :count without the numeric comparator).
                Exits 1 when a script does not compile or cannot be read; with --strict also when there is any
                warning; otherwise 0.
                """
        )

        @ArgumentParser.Argument(help: "Sieve scripts to lint.")
        var scripts: [String]

        @Flag(help: "Exit 1 when there is any warning.")
        var strict = false

        @OptionGroup var includes: IncludeDirectoriesOption

        @OptionGroup var site: SiteConfigurationOption

        func run() throws {
            var failed = false
            var warned = false
            let options = try site.load().options
            for path in scripts {
                let diagnostics = SieveLinter.lint(try readFile(path), file: path, options: options,
                                                   loader: try includes.checkingLoader(for: path, site: site))
                for diagnostic in diagnostics {
                    if diagnostic.severity == .error { printError(diagnostic.description) } else { print(diagnostic.description) }
                }
                if diagnostics.contains(where: { $0.severity == .error }) {
                    failed = true
                } else if !diagnostics.isEmpty {
                    warned = true
                }
            }
            if failed || (strict && warned) { throw ExitCode(1) }
        }
    }
}
