import Testing
@testable import Sieve

struct NoSuchFile: Error, CustomStringConvertible {
    var description: String { "no such file" }
}

/// Runs a test file held in memory; `files` are the other files it may name, by path
/// relative to the test file's folder `suite/`.
func runSuite(_ source: String, files: [String: String] = [:]) -> TestFileReport {
    let byPath = Dictionary(uniqueKeysWithValues: files.map { ("suite/" + $0.key, $0.value) })
    let runner = TestSuiteRunner(readFile: { path in
        guard let text = byPath[path] else { throw NoSuchFile() }
        return Array(text.utf8)
    })
    return runner.run(source: Array(source.utf8), file: "suite/t.svtest")
}

/// The printed lines of a test file given as test blocks after the common `require`s.
func suiteLines(_ body: String, files: [String: String] = [:]) -> [String] {
    runSuite(suitePrelude + body, files: files).lines
}

/// The `require`s every unit test file starts with (line 1).
let suitePrelude = """
    require ["vnd.dovecot.testsuite", "relational", "comparator-i;ascii-numeric", "envelope", "fileinto", "variables", "subaddress", "vacation"];

    """

/// A test block that passes when `condition` holds.
func expectBlock(_ condition: String, setup: String = "") -> String {
    """
    test "t" {
    \(setup)
    if not \(condition) { test_fail "condition did not hold"; }
    }
    """
}
