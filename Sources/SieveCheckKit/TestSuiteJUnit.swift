import Reports
import Sieve

extension JUnitReport {
    /// One `<testsuite>` per test file, one `<testcase>` per block; a file that fails as a
    /// whole gets a case of its own with the error.
    public init(testReports: [TestFileReport]) {
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
