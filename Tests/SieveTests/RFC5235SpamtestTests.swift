import MailCore
import Testing
@testable import Sieve

/// A message carrying the verdict fields of the usual scanners.
private let scanned = makeMessage([
    "From: someone@example.org",
    "To: joe@example.com",
    "Subject: Cheap watches",
    "X-Spam-Score: 7.3",
    "X-Spam-Negative: -2.5",
    "X-Spam-Big: 31.0",
    "X-Spam-Comma: 4,5",
    "X-Spam-Threshold: 15",
    "X-Spam-Level: *******",
    "X-Spam-Mixed: **+*",
    "X-Spam-Empty:",
    "X-Spam-Text: Nonsense",
    "X-Virus-Status: Infected",
    "X-Spam-Status: Yes, score=7.3 required=5.0 tests=BAYES_99",
    "X-Spamd-Result: default: True [12.40 / 15.00]",
    "X-Virus-Scan: Found to be clean.",
    "X-Virus-Clean: Clean",
])

private func settings(_ pairs: [String: String], for test: ScoreTestSettings.Test = .spam) throws -> ScoreTestSettings? {
    try ScoreTestSettings(settings: pairs, for: test)
}

/// The value `spamtest` (or `:percent`, or `virustest`) sees, found with `:matches "*"`.
private func score(_ test: String, spam: ScoreTestSettings? = nil, virus: ScoreTestSettings? = nil,
                   message: Message = scanned) throws -> String {
    var options = SieveOptions()
    options.spamtest = spam
    options.virustest = virus
    let list = try actions("""
        require ["spamtestplus", "virustest", "variables", "fileinto"];
        if \(test) :matches "*" { fileinto "${0}"; }
        """, message: message, options: options)
    guard case .fileinto(let mailbox, _, _, _)? = list.first else { return "(no match)" }
    return mailbox
}

@Suite("RFC 5235 §3.2 spamtest")
struct RFC5235SpamtestTests {
    @Test(arguments: [
        // A score against a fixed maximum of 10: ratio * 9 + 1, truncated.
        ("X-Spam-Score", "10", "7"),
        ("X-Spam-Negative", "10", "1"),
        ("X-Spam-Big", "10", "10"),
        ("X-Spam-Comma", "10", "5"),
        ("X-Spam-Score", "15.0", "5"),
        // Nothing usable: "0", not tested.
        ("X-Spam-Missing", "10", "0"),
        ("X-Spam-Text", "10", "0"),
    ])
    func scoreAgainstAFixedMaximum(_ header: String, _ maximum: String, _ expected: String) throws {
        let spam = try settings(["status_header": header, "score_max_value": maximum])
        #expect(try score("spamtest", spam: spam) == expected)
    }

    @Test(arguments: [
        // SpamAssassin's status field: the score, and the threshold as the maximum.
        (["status_header": "X-Spam-Status: score=(-?[0-9]+[.][0-9]+)",
          "score_max_header": "X-Spam-Status: required=([0-9]+[.][0-9]+)"], "10"),
        (["status_header": "X-Spam-Status: score=(-?[0-9]+[.][0-9]+)", "score_max_value": "10"], "7"),
        // rspamd's result field: score and maximum in brackets.
        (["status_header": "X-Spamd-Result: \\[([0-9.]+) /", "score_max_header": "X-Spamd-Result: / ([0-9.]+)\\]"], "8"),
        // Case-insensitive, as in Pigeonhole; no match means not tested.
        (["status_header": "X-Spam-Status: SCORE=([0-9.]+)", "score_max_value": "10"], "7"),
        (["status_header": "X-Spam-Status: hits=([0-9.]+)", "score_max_value": "10"], "0"),
    ])
    func valueFromAPattern(_ pairs: [String: String], _ expected: String) throws {
        #expect(try score("spamtest", spam: try settings(pairs)) == expected)
    }

    @Test func maximumFromAHeader() throws {
        let spam = try settings(["status_header": "X-Spam-Score", "score_max_header": "X-Spam-Threshold"])
        #expect(try score("spamtest", spam: spam) == "5")
        let missing = try settings(["status_header": "X-Spam-Score", "score_max_header": "X-Spam-Nothing"])
        #expect(try score("spamtest", spam: missing) == "0")
    }

    @Test(arguments: [
        ("X-Spam-Level", "7"),
        ("X-Spam-Empty", "1"),
        ("X-Spam-Mixed", "0"),
    ])
    func strlen(_ header: String, _ expected: String) throws {
        let spam = try settings(["status_header": header, "status_type": "strlen", "score_max_value": "10"])
        #expect(try score("spamtest", spam: spam) == expected)
    }

    @Test func textValues() throws {
        let spam = try settings(["status_header": "X-Spam-Text", "status_type": "text",
                                 "text_value/10": "Nonsense", "text_value/1": "Fine"])
        #expect(try score("spamtest", spam: spam) == "10")
    }

    @Test func notConfiguredIsNotTested() throws {
        #expect(try score("spamtest") == "0")
        #expect(try score("spamtest :percent") == "0")
        #expect(try score("virustest") == "0")
    }

    @Test(arguments: [
        ("spamtest :value \"ge\" :comparator \"i;ascii-numeric\" \"7\"", true),
        ("spamtest :value \"ge\" :comparator \"i;ascii-numeric\" \"8\"", false),
        ("spamtest :value \"lt\" :comparator \"i;ascii-numeric\" \"10\"", true),
        ("spamtest :is \"7\"", true),
        ("spamtest :percent :value \"gt\" :comparator \"i;ascii-numeric\" \"72\"", true),
        ("spamtest :percent :value \"gt\" :comparator \"i;ascii-numeric\" \"73\"", false),
        ("spamtest :percent :is \"73\"", true),
    ])
    func comparisons(_ test: String, _ expected: Bool) throws {
        var options = SieveOptions()
        options.spamtest = try settings(["status_header": "X-Spam-Score", "score_max_value": "10"])
        #expect(try holds(test, require: ["spamtestplus", "relational", "comparator-i;ascii-numeric"],
                          message: scanned, options: options) == expected)
    }

    @Test func untestedIsBelowEveryScore() throws {
        // RFC 5235 §3.2: "0" means the message was not tested; scores run 1 to 10.
        #expect(try holds("spamtest :value \"lt\" :comparator \"i;ascii-numeric\" \"1\"",
                          require: ["spamtest", "relational", "comparator-i;ascii-numeric"]))
    }
}

@Suite("RFC 5235 §3.4 spamtestplus :percent")
struct RFC5235PercentTests {
    @Test(arguments: [("0", "0"), (".01", "1"), (".13", "13"), (".5", "50"), ("1", "100"), ("1.01", "100"), ("-1", "0")])
    func percentOfMaximumOne(_ status: String, _ expected: String) throws {
        let message = makeMessage(["From: a@example.org", "X-Score: \(status)"])
        let spam = try settings(["status_header": "X-Score", "score_max_value": "1"])
        #expect(try score("spamtest :percent", spam: spam, message: message) == expected)
    }

    @Test func percentNeedsSpamtestplus() {
        #expect(diagnostics("require \"spamtest\";\nif spamtest :percent \"50\" { keep; }")
            == [#"test.sieve:2:13: error: tag ':percent' requires the "spamtestplus" extension; add require "spamtestplus";"#])
    }
}

@Suite("RFC 5235 §3.3 virustest")
struct RFC5235VirustestTests {
    @Test(arguments: [("X-Virus-Status", "5"), ("X-Virus-Clean", "1"), ("X-Spam-Text", "0")])
    func textVerdicts(_ header: String, _ expected: String) throws {
        let virus = try settings(["status_header": header, "status_type": "text", "text_value/1": "Clean",
                                  "text_value/5": "Infected"], for: .virus)
        #expect(try score("virustest", virus: virus) == expected)
    }

    @Test func textFromAPattern() throws {
        let virus = try settings(["status_header": "X-Virus-Scan: found to be (.+)[.]", "status_type": "text",
                                  "text_value/1": "clean", "text_value/5": "infected"], for: .virus)
        #expect(try score("virustest", virus: virus) == "1")
    }

    @Test func scoreRunsOneToFive() throws {
        let virus = try settings(["status_header": "X-Spam-Score", "score_max_value": "10"], for: .virus)
        #expect(try score("virustest", virus: virus) == "3")
    }
}

@Suite("RFC 5235 settings and syntax")
struct RFC5235SettingsTests {
    @Test(arguments: [
        (["status_header": "X-Spam-Score"],
         "sieve_spamtest_status_type score needs a maximum: set sieve_spamtest_score_max_value (a number) or sieve_spamtest_score_max_header (the field that holds it)"),
        (["status_header": "X-Spam-Score", "score_max_value": "10", "score_max_header": "X-Max"],
         "sieve_spamtest_score_max_header and sieve_spamtest_score_max_value are both set; set only one"),
        (["status_header": "X-Spam-Score", "score_max_value": "ten"],
         #"sieve_spamtest_score_max_value is "ten", expected a decimal number such as "10" or "15.0""#),
        (["status_header": "X-Spam-Score", "score_max_value": "0"],
         "sieve_spamtest_score_max_value is 0; the maximum must not be zero"),
        (["status_header": "X-Spam-Score", "status_type": "bayes", "score_max_value": "10"],
         #"sieve_spamtest_status_type is "bayes", expected "score", "strlen" or "text""#),
        (["status_header": "X-Spam-Status: score=([0-9.]+", "score_max_value": "10"],
         #"sieve_spamtest_status_header: cannot use the regular expression "score=([0-9.]+": "#),
        (["status_header": "X-Spam-Status: score=[0-9.]+", "score_max_value": "10"],
         #"sieve_spamtest_status_header: cannot use the regular expression "score=[0-9.]+": it has no group; put the value in parentheses, as in score=([0-9.]+)"#),
        (["status_header": "X-Spam-Status score", "score_max_value": "10"],
         #"sieve_spamtest_status_header is "X-Spam-Status score": expected ':' and a regular expression after the field name, found "s""#),
        (["status_header": "X-Spam-Text", "status_type": "text", "text_value/11": "x"],
         "sieve_spamtest_text_value/11: 11 is out of range, spamtest text values run from 0 to 10"),
        (["status_header": "X-Spam-Text", "status_type": "text"],
         "sieve_spamtest_status_type text needs the phrases: set sieve_spamtest_text_value/N for the values 0 to 10"),
    ])
    func refusesWrongSettings(_ pairs: [String: String], _ expected: String) {
        do {
            _ = try ScoreTestSettings(settings: pairs, for: .spam)
            Issue.record("accepted \(pairs)")
        } catch {
            #expect(error.message.hasPrefix(expected), "\(error.message)")
        }
    }

    @Test func noStatusHeaderIsNotConfigured() throws {
        #expect(try ScoreTestSettings(settings: ["score_max_value": "10"], for: .spam) == nil)
    }

    @Test func oldStyleTextValueKeys() throws {
        let virus = try ScoreTestSettings(settings: ["status_header": "X-V", "status_type": "text", "text_value5": "Bad"], for: .virus)
        #expect(virus?.textValues == [5: "Bad"])
    }

    @Test(arguments: [
        ("require \"spamtest\";\nif spamtest 3 { keep; }",
         "test.sieve:2:13: error: test 'spamtest' expects a string for the value, found a number"),
        ("require \"virustest\";\nif virustest :percent \"3\" { keep; }",
         "test.sieve:2:14: error: unknown tag ':percent' for test 'virustest'; it accepts :is, :contains, :matches, :value (with require \"relational\"), :count (with require \"relational\"), :regex (with require \"regex\"), :list (with require \"extlists\"), :comparator"),
        ("if spamtest \"3\" { keep; }",
         #"test.sieve:1:4: error: test 'spamtest' requires the "spamtest" extension; add require "spamtest";"#),
    ])
    func reportsMistakes(_ source: String, _ expected: String) {
        #expect(diagnostics(source) == [expected])
    }
}
