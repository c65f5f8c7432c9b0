import ArgumentParser
import Sieve

extension SieveCheck {
    /// `sieve-check compile SCRIPT...`: validate scripts and print their diagnostics.
    struct Compile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check scripts for errors without running them.",
            discussion: "Prints file:line:column diagnostics. Exits 0 when every script compiles, 1 otherwise."
        )

        @ArgumentParser.Argument(help: "Sieve scripts to check.")
        var scripts: [String]

        @OptionGroup var includes: IncludeDirectoriesOption

        @OptionGroup var site: SiteConfigurationOption

        func run() throws {
            var failed = false
            let options = try site.load().options
            for path in scripts {
                let source = try readFile(path)
                let result = SieveCompiler.compile(source, file: path, options: options,
                                                   loader: try includes.checkingLoader(for: path, site: site))
                for diagnostic in result.diagnostics {
                    printError(diagnostic.description)
                }
                if result.script == nil {
                    failed = true
                } else {
                    print("\(path): OK")
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}
