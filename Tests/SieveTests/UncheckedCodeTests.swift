import Testing
@testable import Sieve

/// Code that can never run is not checked (`if false { ... }`, as KMail and Roundcube write
/// disabled rules), following Pigeonhole; syntax errors in it still fail the script.
///
/// - SeeAlso: `UncheckedCode`; RFC 5228 §3.1, §5.1, §5.8, §5.10; RFC 5463 §4
@Suite("Unchecked code that never runs")
struct UncheckedCodeTests {
    /// A script, and the `line:column` of each unchecked block or test when it compiles
    /// (nil: it must not compile).
    static let cases: [(String, [String]?)] = [
        ("if false { frobnicate; }", ["1:1"]),
        ("if FALSE { frobnicate; }", ["1:1"]),
        ("if not true { frobnicate; }", ["1:1"]),
        ("if not not false { frob; }", ["1:1"]),
        ("if allof(false, true) { frobnicate; }", ["1:17", "1:1"]),
        ("if allof(false, frobtest) { frob; }", ["1:17", "1:1"]),
        ("if allof(false, header :frob \"a\" \"b\") { frob; }", ["1:17", "1:1"]),
        ("if anyof(false) { frob; }", ["1:1"]),
        ("if anyof(false, false) { frob; }", ["1:1"]),
        ("if false { if frobtest { keep; } }", ["1:1"]),
        ("if false { require \"fileinto\"; fileinto \"x\"; }", ["1:1"]),
        ("if false { elsif true { keep; } }", ["1:1"]),
        ("if false { frob \"x\" { } }", ["1:1"]),
        ("if true { keep; } elsif false { frob; }", ["1:19"]),
        ("if true { keep; } elsif frobtest { frob; }", ["1:19"]),
        ("if true { keep; } else { frob; }", ["1:19"]),
        ("if not false { keep; } else { frob; }", ["1:24"]),
        ("if anyof(true, frobtest) { keep; } else { frob; }", ["1:16", "1:36"]),
        ("if header :is \"a\" \"b\" { keep; } elsif true { keep; } else { frob; }", ["1:54"]),
        ("if false { frob; } elsif false { frob3; }", ["1:1", "1:20"]),
        // An unavailable ihave skips its branch by RFC 5463's own rule (not recorded here).
        ("require \"ihave\";\nif allof(ihave \"x-none\", frobtest) { frob; }", []),
        ("require \"ihave\";\nif anyof(ihave \"x-none\", false) { frob; }", ["2:1"]),
        // Not skipped: these must fail.
        ("if false { frob; } else { frob2; }", nil),
        ("if false { frob; } elsif true { frob3; }", nil),
        ("if allof(frobtest, false) { frob; }", nil),
        ("if allof(header :frob \"a\" \"b\", false) { frob; }", nil),
        ("if false { if frobtest { keep; } } else { if frobtest { frob; } }", nil),
        ("if frobtest { frob; }", nil),
        ("if true { frob; }", nil),
        ("if \"x\" false { frob; }", nil),
        ("require \"ihave\";\nif ihave \"fileinto\" { keep; } else { frob; }", nil),
        // The form of a branch that never runs is still checked, not its contents.
        ("if true { stop; } else if false { keep; }", nil),
        ("if true { stop; } elsif \"x\" true { keep; }", nil),
        ("if true { stop; } elsif true;", nil),
        // Syntax errors are found before any of this.
        ("if false { keep ; ; }", nil),
        ("if false { fileinto \"x }", nil),
    ]

    @Test(arguments: cases)
    func rule(_ source: String, _ unchecked: [String]?) {
        let result = SieveCompiler.compile(source, file: "t.sieve")
        guard let unchecked else {
            #expect(result.script == nil, "must not compile: \(source)")
            return
        }
        #expect(result.diagnostics.isEmpty, "\(source): \(result.diagnostics)")
        #expect(result.uncheckedCode.map { "\($0.location.line):\($0.location.column)" } == unchecked, "\(source)")
    }

    @Test func theDisabledRuleNeverRuns() throws {
        let list = try actions("""
            require "fileinto";
            if false {
              # disabled by the filter editor; this server has no "vnd.example.tag"
              vnd_example_tag "x";
              fileinto "Never";
            }
            if allof(false, header :is "subject" "x") { discard; }
            """)
        #expect(list == [implicitKeep])
    }

    @Test func anyofWithATrueMemberStillRuns() throws {
        let list = try actions("if anyof(true, frobtest) { discard; } else { frob; }")
        #expect(list == [.discard])
    }

    @Test func lintSaysWhy() {
        let found = SieveLinter.lint(Array("if true { keep; } else { frob; }\nif anyof(true, frobtest) { keep; }\n".utf8),
                                     file: "t.sieve").map(\.description)
        #expect(found == [
            "t.sieve:1:19: warning: this block never runs, so it is not checked (the test of the 'if' at 1:1 is always "
                + "true, so no later branch runs); once enabled it fails to compile: 1:26: unknown command 'frob'",
            "t.sieve:2:16: warning: this test is never evaluated, so it is not checked ('true' at 2:10 is always true, "
                + "so this anyof is true before reaching it); once enabled it fails to compile: 2:16: unknown test 'frobtest'",
        ])
    }

    @Test func aCleanDisabledRuleIsNoWarningAndItsInsideIsNotLinted() {
        let found = SieveLinter.lint(Array("if false { stop; keep; if header :matches \"s\" \"x\" { keep; } }\n".utf8))
        #expect(found.isEmpty, "\(found)")
    }

    @Test func skippedCodeIsCheckedOnTheSideWithoutLeaking() {
        let result = SieveCompiler.compile("if false { frob; frob; fileinto \"x\"; }\nfrob;")
        #expect(result.diagnostics.map(\.message) == ["unknown command 'frob'"])
        #expect(result.uncheckedCode.first?.problems.map(\.message) == [
            "unknown command 'frob'", "command 'fileinto' requires the \"fileinto\" extension; add require \"fileinto\";",
        ])
    }
}
