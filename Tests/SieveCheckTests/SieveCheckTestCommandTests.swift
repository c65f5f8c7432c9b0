import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `sieve-check test`: test files written in Sieve, run by the built binary.
@Suite("sieve-check test")
struct SieveCheckTestCommandTests {
    static let suite = """
        require "vnd.dovecot.testsuite";
        require "fileinto";

        test_set "message" text:
        From: alice@example.org
        Subject: Invoice 42

        Pay me.
        .
        ;

        test "invoices are filed" {
        \tif not test_script_compile "filter.sieve" { test_fail "filter.sieve does not compile"; }
        \tif not test_script_run { test_fail "filter.sieve failed"; }
        \tif not test_result_action :index 1 "fileinto" { test_fail "not filed"; }
        }

        test "wrong expectation" {
        \tif header :contains "subject" "Invoice" { test_fail "subject mentions an invoice"; }
        }

        test "uses a command Sluice lacks" {
        \ttest_mailbox_delete "x";
        }
        """

    @Test("PASS/FAIL lines with file:line, a summary, exit 1 on failure")
    func output() throws {
        let dir = try SieveCheckCLITests.folder([
            "t.svtest": Self.suite,
            "filter.sieve": "require \"fileinto\";\nif header :contains \"subject\" \"invoice\" { fileinto \"Invoices\"; }\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.svtest").path
        let outcome = try SieveCheckCLITests.run(["test", path])
        #expect(outcome.status == 1)
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines == [
            "PASS invoices are filed",
            "FAIL wrong expectation: \(path):19: subject mentions an invoice",
            "FAIL uses a command Sluice lacks: \(path):23: does not compile: testsuite command 'test_mailbox_delete' is not supported by Sluice (column 2)",
            "1 passed, 2 failed",
        ])
    }

    @Test("a passing suite exits 0; a missing file fails without stopping the others")
    func exitCodes() throws {
        let dir = try SieveCheckCLITests.folder([
            "ok.svtest": "require \"vnd.dovecot.testsuite\";\ntest \"ok\" { keep; }\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let ok = dir.appendingPathComponent("ok.svtest").path
        let good = try SieveCheckCLITests.run(["test", ok])
        #expect(good.status == 0)
        #expect(good.stdout == "PASS ok\n1 passed, 0 failed\n")

        let missing = dir.appendingPathComponent("missing.svtest").path
        let bad = try SieveCheckCLITests.run(["test", missing, ok])
        #expect(bad.status == 1)
        #expect(bad.stdout.hasPrefix("FAIL \(missing): cannot read the test file: cannot read \(missing): No such file or directory\n"))
        #expect(bad.stdout.hasSuffix("PASS ok\n1 passed, 1 failed\n"))
    }

    @Test("--junit writes testsuites/testsuite/testcase as CI tools read them")
    func junit() throws {
        let dir = try SieveCheckCLITests.folder([
            "t.svtest": Self.suite,
            "filter.sieve": "require \"fileinto\";\nif header :contains \"subject\" \"invoice\" { fileinto \"Invoices\"; }\n",
            "second.svtest": "require \"vnd.dovecot.testsuite\";\ntest \"a <tricky> & \\\"quoted\\\" name\" { test_fail \"</failure> & more\"; }\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = dir.appendingPathComponent("report.xml")
        let first = dir.appendingPathComponent("t.svtest").path
        let second = dir.appendingPathComponent("second.svtest").path
        let outcome = try SieveCheckCLITests.run(["test", first, second, "--junit", report.path])
        #expect(outcome.status == 1)

        let document = try XMLDocument(contentsOf: report, options: [])
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "4")
        #expect(root.attribute(forName: "failures")?.stringValue == "2")
        #expect(root.attribute(forName: "errors")?.stringValue == "1")

        let suites = root.elements(forName: "testsuite")
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == ["t.svtest", "second.svtest"])
        #expect(suites.map { $0.attribute(forName: "file")?.stringValue } == [first, second])

        let cases = suites[0].elements(forName: "testcase")
        #expect(cases.map { $0.attribute(forName: "name")?.stringValue } == [
            "invoices are filed", "wrong expectation", "uses a command Sluice lacks",
        ])
        #expect(cases.map { $0.attribute(forName: "line")?.stringValue } == ["12", "18", "22"])
        #expect(cases[0].children?.isEmpty ?? true)
        let failure = try #require(cases[1].elements(forName: "failure").first)
        #expect(failure.attribute(forName: "message")?.stringValue == "subject mentions an invoice")
        #expect(failure.stringValue == "\(first):19: subject mentions an invoice")
        let error = try #require(cases[2].elements(forName: "error").first)
        #expect(error.attribute(forName: "message")?.stringValue?.contains("test_mailbox_delete") == true)

        let tricky = try #require(suites[1].elements(forName: "testcase").first)
        #expect(tricky.attribute(forName: "name")?.stringValue == "a <tricky> & \"quoted\" name")
        #expect(tricky.elements(forName: "failure").first?.attribute(forName: "message")?.stringValue == "</failure> & more")
    }

    /// The project's own Sieve test suites (Tests/SieveSuites/*.svtest), run as CI runs them.
    @Test("the project's Sieve suites pass")
    func projectSuites() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SieveSuites")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".svtest") }.sorted()
            .map { folder.appendingPathComponent($0).path }
        #expect(files.count >= 3)
        let outcome = try SieveCheckCLITests.run(["test"] + files)
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.hasSuffix(" passed, 0 failed\n"), "\(outcome.stdout)")
        #expect(!outcome.stdout.contains("FAIL"), "\(outcome.stdout)")
    }
}
