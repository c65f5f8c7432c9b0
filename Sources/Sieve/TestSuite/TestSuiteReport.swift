/// The outcome of one `test "name" { ... }` block.
public struct TestBlockResult: Sendable, Hashable {
    /// The block's name, as written in `test "name"`.
    public var name: String
    /// Where the block starts (the `test` keyword).
    public var location: SourceLocation
    /// Why it failed; nil when it passed.
    public var failure: TestFailure?
    /// Lines `test_result_print` wrote while the block ran.
    public var output: [String]
    /// How long the block took.
    public var duration: Duration

    public init(name: String, location: SourceLocation, failure: TestFailure? = nil, output: [String] = [],
                duration: Duration = .zero) {
        self.name = name
        self.location = location
        self.failure = failure
        self.output = output
        self.duration = duration
    }

    /// Whether every assertion held.
    public var passed: Bool { failure == nil }
}

/// Why a test block failed, and where.
public struct TestFailure: Sendable, Hashable {
    /// What kind of failure it was.
    public enum Kind: Sendable, Hashable {
        /// An assertion did not hold: `test_fail`, or `test_message` found no message.
        case assertion
        /// The block could not run to its end: it does not compile (unknown command,
        /// unsupported extension, bad arguments) or it failed at run time.
        case error
    }

    public var kind: Kind
    /// The reason, as a user reads it (the `test_fail` text, or the error).
    public var reason: String
    /// The place in the test file that failed.
    public var location: SourceLocation

    public init(kind: Kind, reason: String, location: SourceLocation) {
        self.kind = kind
        self.reason = reason
        self.location = location
    }
}

/// The outcome of one test file.
public struct TestFileReport: Sendable, Hashable {
    /// The test file's path, as given.
    public var file: String
    /// The test blocks, in file order.
    public var blocks: [TestBlockResult]
    /// Problems with the file as a whole: it cannot be read, has a syntax error, or an
    /// error outside any test block. Any of them counts as one failure.
    public var fileErrors: [String]
    /// Lines `test_result_print` wrote outside test blocks.
    public var output: [String]

    public init(file: String, blocks: [TestBlockResult] = [], fileErrors: [String] = [], output: [String] = []) {
        self.file = file
        self.blocks = blocks
        self.fileErrors = fileErrors
        self.output = output
    }

    /// Test blocks that passed.
    public var passedCount: Int { blocks.filter(\.passed).count }
    /// Test blocks that failed, plus one if the file itself failed.
    public var failedCount: Int { blocks.filter { !$0.passed }.count + (fileErrors.isEmpty ? 0 : 1) }

    /// The report as printed: `PASS name` or `FAIL name: file:line: reason` per block
    /// (any `test_result_print` output indented below), and `FAIL file: error` for a
    /// failed file.
    public var lines: [String] {
        var out: [String] = []
        for error in fileErrors { out.append("FAIL \(file): \(error)") }
        for block in blocks {
            if let failure = block.failure {
                out.append("FAIL \(block.name): \(file):\(failure.location.line): \(failure.reason)")
            } else {
                out.append("PASS \(block.name)")
            }
            out += block.output.map { "    " + $0 }
        }
        return out
    }
}

/// The totals over several test files.
public struct TestSuiteSummary: Sendable, Hashable {
    public var passed: Int
    public var failed: Int

    public init(_ reports: [TestFileReport]) {
        passed = reports.reduce(0) { $0 + $1.passedCount }
        failed = reports.reduce(0) { $0 + $1.failedCount }
    }

    /// `N passed, N failed`.
    public var line: String { "\(passed) passed, \(failed) failed" }
}
