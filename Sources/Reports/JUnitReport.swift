/// A JUnit XML test report, the format CI systems (GitLab, Jenkins, GitHub actions that read
/// test results) import: `sieve-check test` writes one suite per test file and one case per
/// test block.
///
/// Build the value, then call `xmlBytes()` or `write(toPath:)`. Every string may hold any
/// text: markup characters are escaped and characters XML 1.0 cannot carry are dropped, so
/// the file always parses.
///
/// - SeeAlso: The de-facto schema: Apache Ant's JUnit XML report (`testsuites`, `testsuite`,
///   `testcase`, `failure`, `error`, `skipped`, `system-out`).
public struct JUnitReport: Equatable, Sendable {
    /// The optional `name` of the `<testsuites>` root element.
    public var name: String?
    /// One entry per test file, in output order.
    public var suites: [Suite]

    /// Creates a report from its suites.
    public init(name: String? = nil, suites: [Suite]) {
        self.name = name
        self.suites = suites
    }

    /// One test file: a `<testsuite>` element.
    public struct Suite: Equatable, Sendable {
        /// The suite's name (usually the test file's name without its folder).
        public var name: String
        /// The test file's path, written as the suite's `file` attribute.
        public var file: String
        /// When the suite started, written as the `timestamp` attribute; nil omits it.
        public var timestamp: Timestamp?
        /// The test blocks, in order.
        public var cases: [Case]
        /// Output captured while the suite ran, written as `<system-out>`; nil omits it.
        public var systemOut: String?

        /// Creates a suite.
        public init(name: String, file: String, timestamp: Timestamp? = nil, cases: [Case], systemOut: String? = nil) {
            self.name = name
            self.file = file
            self.timestamp = timestamp
            self.cases = cases
            self.systemOut = systemOut
        }

        /// The number of cases with each outcome.
        public var counts: Counts {
            var counts = Counts()
            for testCase in cases {
                counts.tests += 1
                switch testCase.outcome {
                case .passed: break
                case .failed: counts.failures += 1
                case .error: counts.errors += 1
                case .skipped: counts.skipped += 1
                }
            }
            return counts
        }

        /// The sum of the cases' durations (the suite's `time`).
        public var duration: Duration {
            cases.reduce(.zero) { $0 + $1.duration }
        }
    }

    /// One test block: a `<testcase>` element.
    public struct Case: Equatable, Sendable {
        /// The test's name (the `test "..."` string of the block).
        public var name: String
        /// The `classname` attribute; CI tools group by it (use the suite name or script path).
        public var className: String
        /// The file that holds the test, if known (`file` attribute).
        public var file: String?
        /// The 1-based line of the test block, if known (`line` attribute).
        public var line: Int?
        /// How long the test took (`time` attribute, in seconds).
        public var duration: Duration
        /// How the test ended.
        public var outcome: Outcome
        /// Output captured while this case ran, written as the case's `<system-out>`.
        public var systemOut: String?

        /// Creates a test case.
        public init(
            name: String, className: String, file: String? = nil, line: Int? = nil,
            duration: Duration = .zero, outcome: Outcome, systemOut: String? = nil
        ) {
            self.name = name
            self.className = className
            self.file = file
            self.line = line
            self.duration = duration
            self.outcome = outcome
            self.systemOut = systemOut
        }
    }

    /// How a test case ended.
    public enum Outcome: Equatable, Sendable {
        /// All its assertions held.
        case passed
        /// An assertion did not hold: `<failure message= type="failure">detail</failure>`.
        case failed(message: String, detail: String)
        /// The test could not run to its end (script error, missing file):
        /// `<error message= type="error">detail</error>`.
        case error(message: String, detail: String)
        /// The test was not run: `<skipped message=reason/>`.
        case skipped(reason: String)
    }

    /// Test counts, as the `tests`, `failures`, `errors` and `skipped` attributes.
    public struct Counts: Equatable, Sendable {
        /// All cases, whatever their outcome.
        public var tests = 0
        /// Cases that failed an assertion.
        public var failures = 0
        /// Cases that could not run to their end.
        public var errors = 0
        /// Cases that were not run.
        public var skipped = 0

        /// Creates counts (all zero by default).
        public init(tests: Int = 0, failures: Int = 0, errors: Int = 0, skipped: Int = 0) {
            self.tests = tests
            self.failures = failures
            self.errors = errors
            self.skipped = skipped
        }
    }

    /// A moment as civil UTC date and time, written `YYYY-MM-DDThh:mm:ss` (the JUnit schema's
    /// timestamp has no zone; ours is always UTC).
    public struct Timestamp: Equatable, Sendable {
        /// Seconds since 1970-01-01T00:00:00Z.
        public var secondsSince1970: Int64

        /// Creates a timestamp from seconds since the Unix epoch.
        public init(secondsSince1970: Int64) {
            self.secondsSince1970 = secondsSince1970
        }

        /// The attribute text, e.g. `2024-02-29T13:05:09`.
        public var formatted: String {
            let days = secondsSince1970.floorDivided(by: 86_400)
            let secondsOfDay = secondsSince1970 - days * 86_400
            let (year, month, day) = civilDate(daysSince1970: days)
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
                + "\(pad(secondsOfDay / 3600, 2)):\(pad(secondsOfDay / 60 % 60, 2)):\(pad(secondsOfDay % 60, 2))"
        }
    }

    /// The totals over all suites (the `<testsuites>` attributes).
    public var counts: Counts {
        suites.reduce(into: Counts()) { total, suite in
            let counts = suite.counts
            total.tests += counts.tests
            total.failures += counts.failures
            total.errors += counts.errors
            total.skipped += counts.skipped
        }
    }

    /// The sum of all suites' durations.
    public var duration: Duration {
        suites.reduce(.zero) { $0 + $1.duration }
    }

    /// Writes the report to `path` atomically (a temporary file beside it, fsynced, renamed).
    public func write(toPath path: String) throws(ReportError) {
        try writeFileAtomically(try xmlBytes(), toPath: path)
    }
}

/// A duration as JUnit's `time` attribute: seconds with millisecond precision, e.g. `1.250`.
/// Negative durations are written as `0.000`.
func junitSeconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    guard seconds >= 0, attoseconds >= 0 else { return "0.000" }
    let milliseconds = attoseconds / 1_000_000_000_000_000
    return "\(seconds).\(pad(milliseconds, 3))"
}

private func pad(_ value: some BinaryInteger, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// days-to-civil algorithm, restated).
private func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let shifted = days + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day)
}
