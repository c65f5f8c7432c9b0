import Foundation
import Sieve
import Testing

/// One lint: a script that triggers it (where, and what the warning says) and a near miss that must not.
struct LintCase: Sendable, CustomTestStringConvertible {
    var check: SieveLinter.Check
    var script: String
    /// `line:column` of the warning.
    var at: String
    /// A piece of the warning's text.
    var says: String
    /// A similar script that must not trigger this check.
    var nearMiss: String

    var testDescription: String { check.rawValue }
}

private func warnings(_ script: String) -> [Diagnostic] {
    SieveLinter.lint(Array(script.utf8), file: "t.sieve")
}

@Suite("sieve-check lint")
struct LintTests {
    static let cases: [LintCase] = [
        LintCase(check: .unreachableAfterStop,
                 script: "require \"fileinto\";\nif true {\n  stop;\n  fileinto \"Never\";\n}\n",
                 at: "4:3", says: "this 'fileinto' never runs: the unconditional 'stop' at line 3 ends the script before it",
                 nearMiss: "require \"fileinto\";\nif true {\n  fileinto \"A\";\n  stop;\n}\nfileinto \"B\";\n"),
        LintCase(check: .matchesWithoutWildcard,
                 script: "if header :matches \"subject\" [\"a*\", \"exact\"] { keep; }\n",
                 at: "1:37", says: #":matches key "exact" has no wildcard (* or ?)"#,
                 nearMiss: "if header :matches \"subject\" [\"a?c\", \"x*\"] { keep; }\nif header :is \"subject\" \"exact\" { keep; }\n"),
        LintCase(check: .unusedRequire,
                 script: "require \"extlists\";\nkeep;\n",
                 at: "1:9", says: #"capability "extlists" is required but never used"#,
                 nearMiss: "require \"extlists\";\nif address :list \"from\" \":addrbook:default\" { keep; }\n"),
        LintCase(check: .unusedRequire,
                 script: "require \"body\";\nkeep;\n",
                 at: "1:9", says: #"capability "body" is required but never used"#,
                 nearMiss: "require \"body\";\nif body :text :contains \"x\" { keep; }\n"),
        LintCase(check: .unusedRequire,
                 script: "require [\"fileinto\", \"relational\"];\nfileinto \"A\";\n",
                 at: "1:22", says: #"capability "relational" is required but never used; remove it from 'require'"#,
                 nearMiss: "require [\"fileinto\", \"relational\", \"comparator-i;ascii-numeric\"];\nif header :value \"gt\" :comparator \"i;ascii-numeric\" \"x-n\" \"3\" { fileinto \"A\"; }\n"),
        LintCase(check: .duplicateFileinto,
                 script: "require \"fileinto\";\nfileinto \"Lists\";\nif true {\n  fileinto \"Lists\";\n}\n",
                 at: "4:3", says: #"fileinto "Lists" again: the fileinto at line 2 already files the message there in the same flow"#,
                 nearMiss: "require \"fileinto\";\nif false {\n  fileinto \"Lists\";\n} else {\n  fileinto \"Lists\";\n}\n"),
        LintCase(check: .rejectConflict,
                 script: "require \"reject\";\nkeep;\nif true { reject \"no\"; }\n",
                 at: "3:11", says: "'reject' conflicts with the 'keep' at line 2 in the same flow",
                 nearMiss: "require \"reject\";\nif true { keep; stop; }\nreject \"no\";\n"),
        LintCase(check: .vacationDaysZero,
                 script: "require \"vacation\";\nvacation :days 0 \"Away\";\n",
                 at: "2:16", says: "vacation :days 0 does not mean 'reply to every message': it is raised to the site minimum of 1 day",
                 nearMiss: "require \"vacation\";\nvacation :days 1 \"Away\";\n"),
        LintCase(check: .invalidHeaderName,
                 script: "if header :contains [\"X-Spam\", \"Subject:\"] \"x\" { keep; }\n",
                 at: "1:32", says: #"header name "Subject:" contains a colon; no header field has such a name, so this never matches (did you mean "Subject"?)"#,
                 nearMiss: "if header :contains [\"X-Spam\", \"Subject\"] \"Subject: x\" { keep; }\n"),
        LintCase(check: .countWithoutNumericComparator,
                 script: "require \"relational\";\nif address :count \"gt\" \"to\" \"9\" { keep; }\n",
                 at: "2:12", says: #":count without :comparator "i;ascii-numeric" compares the count as text"#,
                 nearMiss: "require [\"relational\", \"comparator-i;ascii-numeric\"];\nif address :count \"gt\" :comparator \"i;ascii-numeric\" \"to\" \"9\" { keep; }\n"),
        LintCase(check: .unusedRequire,
                 script: "require [\"ihave\", \"fileinto\"];\nfileinto \"A\";\n",
                 at: "1:10", says: #"capability "ihave" is required but never used"#,
                 nearMiss: "require [\"ihave\", \"fileinto\"];\nfileinto \"A\";\nerror \"stop here\";\n"),
        LintCase(check: .capabilityNotTestedByIhave,
                 script: "require \"ihave\";\nif ihave \"x-foo\" {\n  fileinto \"Foo\";\n}\n",
                 at: "3:3", says: #"'fileinto' needs "fileinto", which neither the ihave at line 2 nor 'require' names"#,
                 nearMiss: "require \"ihave\";\nif ihave [\"x-foo\", \"fileinto\"] {\n  fileinto \"Foo\";\n}\n"),
        LintCase(check: .capabilityNotTestedByIhave,
                 script: "require \"ihave\";\nif ihave \"fileinto\" {\n  if ihave \"x-foo\" { fileinto :copy \"Foo\"; }\n}\n",
                 at: "3:31", says: #":copy needs "copy", which neither the ihave at line 3 nor 'require' names"#,
                 nearMiss: "require [\"ihave\", \"copy\"];\nif ihave \"fileinto\" {\n  if ihave \"x-foo\" { fileinto :copy \"Foo\"; }\n}\n"),
        LintCase(check: .capabilityNotTestedByIhave,
                 script: "require \"ihave\";\nif allof(ihave \"x-foo\", envelope \"to\" \"a@b.c\") {\n  keep;\n}\n",
                 at: "2:25", says: #"'envelope' needs "envelope""#,
                 nearMiss: "require \"ihave\";\nif ihave \"x-foo\" { keep; } else { if ihave \"fileinto\" { fileinto \"F\"; } }\n"),
        LintCase(check: .ihaveOfRequired,
                 script: "require [\"ihave\", \"fileinto\"];\nif ihave [\"x-foo\", \"fileinto\"] {\n  fileinto \"A\";\n}\n",
                 at: "2:20", says: #"ihave "fileinto" is always true: the script already requires it"#,
                 nearMiss: "require \"ihave\";\nif ihave [\"x-foo\", \"fileinto\"] {\n  fileinto \"A\";\n}\nif not ihave \"vacation\" { keep; }\n"),
        LintCase(check: .dateKeyFormat,
                 script: "require [\"date\", \"relational\"];\nif currentdate :value \"ge\" \"hour\" \"9\" { keep; }\n",
                 at: "2:35", says: #"key "9" is not in the format of date-part "hour" (2 digits "00" to "23"), so it compares as text"#,
                 nearMiss: "require [\"date\", \"relational\", \"comparator-i;ascii-numeric\"];\nif currentdate :value \"ge\" \"hour\" \"09\" { keep; }\n"
                     + "if currentdate :value \"ge\" :comparator \"i;ascii-numeric\" \"hour\" \"9\" { keep; }\n"
                     + "if currentdate :value \"ge\" \"weekday\" \"5\" { keep; }\nif currentdate :matches \"date\" \"2024-*\" { keep; }\n"),
        LintCase(check: .dateKeyFormat,
                 script: "require \"date\";\nif date \"date\" \"date\" [\"2024-01-01\", \"2024/01/01\"] { keep; }\n",
                 at: "2:38", says: #"key "2024/01/01" is not in the format of date-part "date" (yyyy-mm-dd, e.g. "2024-01-31"), so it never matches"#,
                 nearMiss: "require [\"date\", \"relational\"];\nif date \"date\" \"iso8601\" \"2024-01-01T10:00:00Z\" { keep; }\n"
                     + "if date :value \"lt\" \"date\" \"iso8601\" \"2024-01-01\" { keep; }\nif date \"date\" \"zone\" \"-0500\" { keep; }\n"),
        LintCase(check: .dateComparator,
                 script: "require [\"date\", \"relational\", \"comparator-i;ascii-numeric\"];\nif date :value \"lt\" :comparator \"i;ascii-numeric\" \"date\" \"date\" \"2024-01-01\" { keep; }\n",
                 at: "2:21", says: #""i;ascii-numeric" compares only the leading digits, but date-part "date" is not one number"#,
                 nearMiss: "require [\"date\", \"relational\", \"comparator-i;ascii-numeric\"];\nif date :value \"lt\" \"date\" \"date\" \"2024-01-01\" { keep; }\n"
                     + "if date :value \"lt\" :comparator \"i;ascii-numeric\" \"date\" \"year\" \"2024\" { keep; }\n"),
        LintCase(check: .dateComparator,
                 script: "require [\"date\", \"relational\"];\nif currentdate :value \"gt\" \"julian\" \"60000\" { keep; }\n",
                 at: "2:16", says: #":value on "julian" compares day numbers as text"#,
                 nearMiss: "require [\"date\", \"relational\", \"comparator-i;ascii-numeric\"];\nif currentdate :value \"gt\" :comparator \"i;ascii-numeric\" \"julian\" \"60000\" { keep; }\n"),
        LintCase(check: .unusedRequire,
                 script: "require [\"date\", \"index\"];\nif date \"date\" \"year\" \"2024\" { keep; }\n",
                 at: "1:18", says: #"capability "index" is required but never used"#,
                 nearMiss: "require [\"date\", \"index\"];\nif header :index 1 \"received\" \"x\" { keep; }\nif currentdate \"year\" \"2024\" { keep; }\n"),
        LintCase(check: .matchesKeyLooksLikeRegex,
                 script: "if header :matches \"from\" [\"*@a.example\", \".*@example.com\"] { keep; }\n",
                 at: "1:43", says: #":matches key ".*@example.com" looks like a regular expression (it has a leading ".*")"#,
                 nearMiss: "if header :matches \"from\" [\"*@example.com\", \"a.b?\", \"*<*.*>*\"] { keep; }\n"),
        LintCase(check: .matchesKeyLooksLikeRegex,
                 script: "if header :matches \"subject\" \"^Re: *\" { keep; }\n",
                 at: "1:30", says: "(it has a leading \"^\")",
                 nearMiss: "if header :matches \"subject\" \"Cost: $5 *\" { keep; }\n"),
        LintCase(check: .regexUnescapedDot,
                 script: "require \"regex\";\nif header :regex \"from\" [\"a.*b\", \"@example.com$\"] { keep; }\n",
                 at: "2:34", says: #"the '.' in "example.com" matches any character"#,
                 nearMiss: "require \"regex\";\nif header :regex \"from\" [\"a.*b\", \"@example\\\\.com$\", \"x[.]com\", \"[a.b]\"] { keep; }\n"),
        LintCase(check: .uncheckedNeverRun,
                 script: "keep;\nif false {\n  frobnicate \"x\";\n}\n",
                 at: "2:1", says: "this block never runs, so it is not checked (its test is always false); once "
                     + "enabled it fails to compile: 3:3: unknown command 'frobnicate'",
                 nearMiss: "require \"fileinto\";\nif false {\n  fileinto \"Old\";\n} elsif true {\n  keep;\n}\n"),
    ] + LintTests.extensionCases

    @Test("each lint fires where expected", arguments: cases)
    func fires(lint: LintCase) throws {
        let found = warnings(lint.script)
        #expect(found.allSatisfy { $0.severity == .warning }, "\(found)")
        let hit = found.first { $0.description.hasPrefix("t.sieve:\(lint.at): warning: ") }
        #expect(hit?.message.contains(lint.says) == true, "\(found.map(\.description))")
        // And the structured form names the check.
        let parsed = SieveParser.parse(lint.script).script
        #expect(SieveLinter.warnings(in: parsed).contains { $0.check == lint.check })
    }

    @Test("each near miss stays quiet", arguments: cases)
    func nearMiss(lint: LintCase) throws {
        #expect(SieveCompiler.compile(lint.nearMiss).script != nil, "near miss must compile")
        let parsed = SieveParser.parse(lint.nearMiss).script
        let found = SieveLinter.warnings(in: parsed)
        #expect(!found.contains { $0.check == lint.check }, "\(found)")
    }

    @Test func everyCheckHasACase() {
        #expect(Set(Self.cases.map(\.check)) == Set(SieveLinter.Check.allCases))
    }

    @Test("a clean script has no warnings")
    func clean() {
        let script = """
            require ["fileinto", "variables", "imap4flags", "copy"];
            if header :matches "List-Id" "*<*.lists.*>" {
                fileinto :copy :flags "\\\\Seen" "lists.${2}";
                stop;
            }
            if exists "X-Spam" { fileinto "Spam"; }
            """
        #expect(warnings(script).isEmpty, "\(warnings(script))")
    }

    @Test("a script that does not compile gets its errors and no lint")
    func compileErrors() {
        let found = warnings("fileinto \"A\";\nstop;\nkeep;\n")
        #expect(!found.isEmpty)
        #expect(found.allSatisfy { $0.severity == .error })
        #expect(found.first?.description.hasPrefix("t.sieve:1:1: error:") == true)
    }

    @Test("flow: branches of one chain never run together; a stopping branch shields what follows", arguments: [
        ("require \"fileinto\";\nif true { fileinto \"A\"; } elsif true { fileinto \"A\"; } else { fileinto \"A\"; }\n", 0),
        // Separate rules filing into one folder are a common idiom, not a mistake.
        ("require \"fileinto\";\nif true { fileinto \"A\"; }\nif true { fileinto \"A\"; }\n", 0),
        ("require [\"fileinto\", \"copy\"];\nfileinto \"A\";\nfileinto :copy \"A\";\n", 1),
        ("require \"fileinto\";\nif true { if true { fileinto \"A\"; } fileinto \"A\"; }\n", 1),
        ("require \"fileinto\";\nif true { fileinto \"A\"; stop; }\nfileinto \"A\";\n", 0),
        ("require \"fileinto\";\nif true { if true { fileinto \"A\"; stop; } }\nfileinto \"A\";\n", 0),
        ("require \"fileinto\";\nif true { if true { stop; } fileinto \"A\"; }\nfileinto \"A\";\n", 1),
        ("require \"reject\";\nif size :over 1M { reject \"big\"; }\nif true { keep; }\n", 1),
        ("require [\"fileinto\", \"variables\"];\nset \"f\" \"A\";\nfileinto \"${f}\";\nfileinto \"${f}\";\n", 0),
        ("require \"reject\";\nreject \"a\";\nreject \"b\";\n", 1),
        ("require \"reject\";\nif true { reject \"a\"; } else { redirect \"a@example.com\"; }\n", 0),
        ("require [\"reject\", \"vacation\"];\nvacation \"x\";\nreject \"b\";\ndiscard;\n", 1),
    ])
    func flow(script: String, expected: Int) {
        let found = SieveLinter.warnings(in: SieveParser.parse(script).script)
            .filter { $0.check == .duplicateFileinto || $0.check == .rejectConflict }
        #expect(found.count == expected, "\(found)")
    }

    @Test("require: capabilities count as used however they are used", arguments: [
        "require \"variables\";\nif header :is \"subject\" \"${1}\" { keep; }\n",
        "require \"encoded-character\";\nif header :is \"subject\" \"${hex:41}\" { keep; }\n",
        "require \"imap4flags\";\nkeep :flags \"\\\\Seen\";\n",
        "require \"subaddress\";\nif address :detail \"to\" \"x\" { keep; }\n",
        "require [\"vacation\", \"vacation-seconds\"];\nvacation :seconds 0 \"x\";\n",
        "require \"envelope\";\nif envelope :is \"from\" \"a@b\" { keep; }\n",
        "require \"body\";\nif body :content \"text\" :contains \"x\" { keep; }\n",
        "require \"extlists\";\nif header :list \"from\" \":addrbook:default\" { keep; }\n",
        "require \"extlists\";\nif valid_ext_list \":addrbook:default\" { keep; }\n",
        "require \"vnd.dovecot.report\";\nreport \"abuse\" \"spam\" \"abuse@example.com\";\n",
    ])
    func requireUsed(script: String) {
        let found = SieveLinter.warnings(in: SieveParser.parse(script).script).filter { $0.check == .unusedRequire }
        #expect(SieveCompiler.compile(script).script != nil)
        #expect(found.isEmpty, "\(found)")
    }
}

@Suite("sieve-check lint: the example scripts")
struct LintExamplesTests {
    static func scripts() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: SieveScriptsTests.root.path).sorted().filter { folder in
            FileManager.default.fileExists(atPath: SieveScriptsTests.root.appendingPathComponent(folder).appendingPathComponent("script.sieve").path)
        }
    }

    @Test("the examples lint clean (no false alarms on real scripts)", arguments: try scripts())
    func clean(folder: String) throws {
        let url = SieveScriptsTests.root.appendingPathComponent(folder).appendingPathComponent("script.sieve")
        let found = SieveLinter.lint(Array(try Data(contentsOf: url)), file: folder)
        #expect(found.isEmpty, "\(found.map(\.description))")
    }
}
