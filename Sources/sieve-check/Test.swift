import ArgumentParser
import Reports
import Sieve
import SieveCheckKit

extension SieveCheck {
    /// `sieve-check test FILE... [--junit FILE]`: run test files written in Sieve.
    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run test files written in Sieve (Pigeonhole's vnd.dovecot.testsuite language).",
            discussion: """
                Prints one line per test block (PASS name, or FAIL name: file:line: reason) and a
                summary "N passed, N failed". Paths in test_script_compile and test_multiscript are
                relative to the test file; include finds personal scripts in included/ and global
                ones in included-global/ next to it, as in Pigeonhole's test suite. Exits 0 when
                every block passed, 1 otherwise.
                """
        )

        @ArgumentParser.Argument(help: "Test files (*.svtest).")
        var files: [String]

        @Option(help: "Also write a JUnit XML report to this file (one testsuite per file, one testcase per block).")
        var junit: String?

        @OptionGroup var site: SiteConfigurationOption

        func run() throws {
            // Redirects and vacation replies follow the delivery agent's rules (RFC 3834 included).
            var runner = TestSuiteRunner(options: try site.load().options, mailer: DeliveryTestSuiteMailer(),
                                         readFile: { path in try readFile(path) })
            // Programs of pipe, filter and execute run for real once a test file names their directories.
            runner.programRunner = CheckPrograms.runner(user: TestSuiteRunner.testEnvironment.username,
                                                        host: TestSuiteRunner.testEnvironment.host)
            var reports: [TestFileReport] = []
            for file in files {
                let report = runner.run(file: file)
                report.output.forEach { print($0) }
                report.lines.forEach { print($0) }
                reports.append(report)
            }
            let summary = TestSuiteSummary(reports)
            print(summary.line)
            if let junit {
                do {
                    try JUnitReport(testReports: reports).write(toPath: junit)
                } catch {
                    printError("cannot write the JUnit report \(junit): \(error)")
                    throw ExitCode(1)
                }
            }
            if summary.failed > 0 { throw ExitCode(1) }
        }
    }
}
