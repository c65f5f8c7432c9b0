import MailCore
import Testing
@testable import Sieve

/// `:regex` in scripts: every test that takes a match type, match variables, comparators,
/// compile-time and run-time errors, `set :quoteregex`, and the step limit.
@Suite("draft-ietf-sieve-regex")
struct DraftRegexTests {
    @Test(arguments: [
        ("header :regex \"subject\" \"^I have a (present|gift)\"", true),
        ("header :regex \"subject\" \"^present\"", false),
        ("header :regex \"x-spam-score\" \"^[[:digit:]]{2,}$\"", true),
        ("header :regex [\"cc\", \"x-missing\"] \"boss\"", true),
        ("address :regex :domain \"from\" \"^desert\\\\.example\\\\.(org|net)$\"", true),
        ("address :regex :localpart \"to\" \"^(ally|bob\\\\+.*)$\"", true),
        ("address :regex :all \"to\" \"^road.*\\\\.com$\"", true),
        ("envelope :regex :localpart \"to\" \"\\\\+sieve$\"", true),
        ("envelope :regex :detail \"to\" \"^s.e.e$\"", true),
        ("envelope :regex \"from\" \"^[^@]+@(desert|acme)\\\\.\"", true),
        ("string :regex \"2026-12-07\" \"^[0-9]{4}-[0-9]{2}-[0-9]{2}$\"", true),
        ("string :regex \"\" \"^$\"", true),
        ("string :regex \"abc\" \"^$\"", false),
        ("header :regex \"subject\" \"PRESENT\"", true),                              // i;ascii-casemap by default
        ("header :regex :comparator \"i;octet\" \"subject\" \"PRESENT\"", false),
        ("header :regex :comparator \"i;octet\" \"subject\" \"[Pp]resent\"", true),
        ("not header :regex \"subject\" \"anvil\"", true),
    ])
    func testsTakeTheRegexMatchType(_ test: String, _ expected: Bool) throws {
        #expect(try holds(test, require: ["regex", "envelope", "subaddress", "variables"]) == expected)
    }

    @Test func bodyTakesTheRegexMatchTypeButSetsNoMatchVariables() throws {
        let result = try actions("""
            require ["regex", "body", "variables", "fileinto"];
            set "x" "before";
            if string :regex "keep me" "(keep) (me)" { }
            if body :text :regex "(whole) anvil" { fileinto "${1}"; }
            """)
        #expect(result == [fileinto("keep")])
    }

    @Test func hasflagTakesTheRegexMatchType() throws {
        let result = try actions("""
            require ["regex", "imap4flags", "variables", "fileinto"];
            set "flags" "\\\\Seen $Label1 $Label22";
            if hasflag :regex "flags" "^\\\\$label([0-9]+)$" { fileinto "label-${1}"; }
            """)
        #expect(result == [fileinto("label-1")])
    }

    @Test func groupsSetTheMatchVariables() throws {
        let result = try actions("""
            require ["regex", "variables", "fileinto"];
            if header :regex "from" "\\"(([^ ]+) E\\\\. ([^\\"]+))\\" <([^@]+)@(x)?" {
                fileinto "${0}|${1}|${2}|${3}|${4}|${5}|${6}";
            }
            """)
        #expect(result == [fileinto("\"Wile E. Coyote\" <coyote@|Wile E. Coyote|Wile|Coyote|coyote||")])
    }

    @Test func aFailedRegexLeavesTheMatchVariables() throws {
        let result = try actions("""
            require ["regex", "variables", "fileinto"];
            if string :regex "ab" "(a)(b)" { }
            if string :regex "ab" "(x)" { }
            fileinto "${1}${2}";
            """)
        #expect(result == [fileinto("ab")])
    }

    @Test func valuesAndKeysAreTriedInOrder() throws {
        // The first value that any key matches wins; for it, the first key that matches.
        let result = try actions("""
            require ["regex", "variables", "fileinto"];
            if string :regex ["one", "two"] ["(t)wo", "(o)ne", "(n)e"] { fileinto "${1}"; }
            """)
        #expect(result == [fileinto("o")])
    }

    @Test func tracesAndJSONShowTheMatchType() throws {
        let recorder = SieveTraceRecorder()
        _ = try run("require \"regex\"; if header :regex \"subject\" \"pres+ent\" { keep; }", tracer: recorder)
        guard case .test(let test)? = recorder.events.dropFirst().first else {
            Issue.record("expected a test event, got \(recorder.events)")
            return
        }
        #expect(test.comparison?.matchType == ":regex")
        #expect(recorder.events[1].traceLine.contains("test header :regex :comparator \"i;ascii-casemap\""))
    }

    // MARK: errors

    /// Under `i;unicode-casemap` each character compares by its simple titlecase mapping,
    /// in literals and bracket expressions alike; `i;ascii-casemap` folds ASCII only.
    @Test(arguments: [
        ("string :regex :comparator \"i;unicode-casemap\" \"ÉCOLE\" \"^école$\"", true),
        ("string :regex :comparator \"i;unicode-casemap\" \"Ǆemal\" \"^ǆemal$\"", true),
        ("string :regex :comparator \"i;unicode-casemap\" \"école\" \"^[É]cole$\"", true),
        ("string :regex :comparator \"i;unicode-casemap\" \"Straße\" \"^STRASSE$\"", false),
        ("string :regex :comparator \"i;ascii-casemap\" \"ÉCOLE\" \"^école$\"", false),
        ("string :regex :comparator \"i;ascii-casemap\" \"ÉCOLE\" \"^Écol.$\"", true),
    ])
    func unicodeCasemapFoldsEachCharacter(_ test: String, _ expected: Bool) throws {
        #expect(try holds(test, require: ["regex", "variables", "comparator-i;unicode-casemap"]) == expected)
    }

    @Test(arguments: [
        ("if header :regex \"subject\" \"x\" { keep; }",
         "test.sieve:1:11: error: tag ':regex' requires the \"regex\" extension; add require \"regex\";"),
        ("require [\"regex\", \"comparator-i;ascii-numeric\"];\nif header :regex :comparator \"i;ascii-numeric\" \"subject\" \"1\" { keep; }",
         "test.sieve:2:18: error: comparator \"i;ascii-numeric\" cannot be used with :regex; :regex works with \"i;octet\", \"i;ascii-casemap\" and \"i;unicode-casemap\""),
        ("require \"regex\";\nif header :regex \"subject\" [\"ok\", \"(broken\"] { keep; }",
         "test.sieve:2:35: error: invalid :regex key \"(broken\": missing ')' to close the group opened at character 1 at character 8"),
        ("require \"regex\";\nif address :regex \"from\" \"*@example.com\" { keep; }",
         "test.sieve:2:26: error: invalid :regex key \"*@example.com\": '*' has nothing to repeat (a quantifier must follow a character, '.', a bracket expression or a group) at character 1; this looks like a :matches wildcard pattern: in a regular expression \".*\" stands for any text and \".\" for one character"),
        ("require \"regex\";\nif header :regex :is \"subject\" \"x\" { keep; }",
         "test.sieve:2:18: error: ':is' conflicts with ':regex': only one match type may be given"),
        ("require \"variables\";\nset :quoteregex \"a\" \"b\";",
         "test.sieve:2:5: error: tag ':quoteregex' requires the \"regex\" extension; add require \"regex\";"),
        ("require [\"variables\", \"regex\"];\nset :quoteregex :quotewildcard \"a\" \"b\";",
         "test.sieve:2:5: error: modifiers ':quotewildcard' and ':quoteregex' have the same precedence and cannot be used together"),
    ])
    func compileErrors(_ source: String, _ expected: String) {
        #expect(diagnostics(source) == [expected])
    }

    @Test func anInvalidKeyFromAVariableDoesNotMatchAndTheRunGoesOn() throws {
        let result = try run("""
            require ["regex", "variables", "fileinto"];
            set "bad" "a[";
            if header :regex "subject" ["${bad}", "(present)"] { fileinto "${1}"; }
            """)
        #expect(result.errors.isEmpty)
        #expect(result.actions == [fileinto("present")])
        #expect(result.warnings.map(\.description) == [
            "test.sieve:3:4: error: invalid :regex key \"a[\" (after variable expansion): missing ']' to close the bracket "
                + "expression opened at character 2 at character 3; the key does not match",
        ])
        #expect(CheckReport(result: result).errors.map(\.severity) == ["warning"])
    }

    // MARK: set :quoteregex

    @Test(arguments: [
        ("a.b*c", "a\\.b\\*c"),
        ("(x|y)+?", "\\(x\\|y\\)\\+\\?"),
        ("[^$]{2}\\", "\\[\\^\\$\\]\\{2\\}\\\\"),
        ("plain text @ here", "plain text @ here"),
    ])
    func quoteregexEscapesEverySpecialCharacter(_ value: String, _ expected: String) throws {
        #expect(VariableModifier.quoteregex.apply(value) == expected)
        // The quoted text, as a pattern, matches exactly the original.
        let regex = try RegexPattern("^" + expected + "$")
        #expect(regex.firstMatch(in: value) != nil)
        #expect(regex.firstMatch(in: value + "x") == nil)
    }

    @Test func quoteregexRanksWithQuotewildcard() throws {
        // Precedence 20: after :upper (40), before :length (10).
        let result = try actions("""
            require ["regex", "variables", "fileinto"];
            set :quoteregex :upper "q" "a.b";
            set :length :quoteregex "n" "a.b";
            if string :regex "xA.By" "${q}" { fileinto "${q}|${n}"; }
            if string :regex "xA-By" "${q}" { fileinto "unquoted"; }
            """)
        #expect(result == [fileinto("A\\.B|4")])
    }

    // MARK: work

    @Test func aLongValueCountsTowardsTheStepLimit() throws {
        let value = String(repeating: "a", count: 128 << 10)
        let message = makeMessage(["Subject: x"], body: value + "\r\n")
        let script = "require [\"regex\", \"body\"];\nif body :raw :regex \"(a|aa)*c\" { discard; }"
        // Within the default budget: all 128 KiB are searched, without a match.
        let fits = try run(script, message: message)
        #expect(fits.errors.isEmpty)
        #expect(fits.actions == [implicitKeep])
        // A budget smaller than the value's share stops the run before the search.
        var options = SieveOptions()
        options.limits.maxEvaluationSteps = 1_000
        let stopped = try run(script, message: message, options: options)
        #expect(stopped.errors.map(\.message) == ["script exceeded the evaluation limit of 1000 steps"])
    }

    @Test func aMegabyteFitsTheDefaultBudgetAndTheChargeGrowsWithIt() {
        let keys = PreparedKeys(["(a|aa)*c", "(a*)*b"], type: .regex, comparator: .octet)
        func charge(_ kib: Int) -> Int {
            Matcher.regexWork(values: [String(repeating: "a", count: kib << 10)], keys: keys)
        }
        #expect(charge(1_024) < SieveLimits().maxEvaluationSteps)
        #expect(charge(1_024) >= 8 * charge(128) - 8)
        #expect(charge(1_024) <= 8 * charge(128) + 8)
    }

    @Test func capabilityIsAdvertised() {
        #expect(SieveOptions.supportedExtensions.contains("regex"))
    }
}
