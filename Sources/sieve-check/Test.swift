import ArgumentParser
import Reports
import Sieve

extension SieveCheck {
    /// `sieve-check test FILE... [--junit FILE]`: run test files written in Sieve.
    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run test files written in Sieve (Pigeonhole's vnd.dovecot.testsuite language).",
            discussion: """
                Prints one line per test block (PASS name, or FAIL name: file:line: reason) and a
                summary "N passed, N failed". Paths in test_script_compile and test_multiscript are
                relative to the test file. Exits 0 when every block passed, 1 otherwise.
                """
        )

        @ArgumentParser.Argument(help: "Test files (*.svtest).")
        var files: [String]

        @Option(help: "Also write a JUnit XML report to this file (one testsuite per file, one testcase per block).")
        var junit: String?

        func run() throws {
            let runner = TestSuiteRunner(readFile: { path in try readFile(path) })
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

extension JUnitReport {
    /// One `<testsuite>` per test file, one `<testcase>` per block; a file that fails as a
    /// whole gets a case of its own with the error.
    init(testReports: [TestFileReport]) {
        let suites = testReports.map { report -> Suite in
            let name = report.file.split(separator: "/").last.map(String.init) ?? report.file
            var cases: [Case] = report.fileErrors.map { error in
                Case(name: "(file)", className: name, file: report.file, outcome: .error(message: error, detail: error))
            }
            for block in report.blocks {
                let outcome: Outcome
                if let failure = block.failure {
                    let message = "\(report.file):\(failure.location.line): \(failure.reason)"
                    switch failure.kind {
                    case .assertion: outcome = .failed(message: failure.reason, detail: message)
                    case .error: outcome = .error(message: failure.reason, detail: message)
                    }
                } else {
                    outcome = .passed
                }
                cases.append(Case(name: block.name, className: name, file: report.file, line: block.location.line,
                                  duration: block.duration, outcome: outcome,
                                  systemOut: block.output.isEmpty ? nil : block.output.joined(separator: "\n")))
            }
            return Suite(name: name, file: report.file, cases: cases)
        }
        self.init(name: "sieve-check test", suites: suites)
    }
}
