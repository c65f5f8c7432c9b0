import Testing
@testable import Sieve

@Suite("vnd.dovecot.testsuite: test_fail, test_set, test_config")
struct TestSuiteSetupTests {
    @Test("test_fail expands variables in its reason and reports its own line")
    func testFail() {
        let lines = suiteLines("""
            test "f" {
              set "what" "subject";
              test_fail "wrong ${what}";
            }
            """)
        #expect(lines == ["FAIL f: suite/t.svtest:4: wrong subject"])
    }

    @Test("test_set sets the message and the envelope", arguments: [
        ("test_set \"message\" \"Subject: hi\r\n\r\nbody\r\n\";", "header :is \"subject\" \"hi\""),
        ("test_set \"envelope.from\" \"<a@example.org>\";", "envelope :is \"from\" \"a@example.org\""),
        ("test_set \"envelope.from\" \"<>\";", "envelope :is \"from\" \"\""),
        ("test_set \"envelope.to\" \"b+box@example.net\";", "envelope :detail \"to\" \"box\""),
        ("test_set \"message\" text:\nFrom: x@example.org\nSubject: multi\n\nline\n.\n;", "address :is \"from\" \"x@example.org\""),
    ])
    func testSet(setup: String, condition: String) {
        #expect(suiteLines(expectBlock(condition, setup: setup)) == ["PASS t"])
    }

    @Test("test_set accepts envelope.orig_to and envelope.auth, refuses unknown objects")
    func testSetObjects() {
        #expect(suiteLines("""
            test "t" { test_set "envelope.orig_to" "o@example.org"; test_set "envelope.auth" "user"; }
            """) == ["PASS t"])
        let lines = suiteLines("test \"t\" { test_set \"envelope.bogus\" \"x\"; }")
        #expect(lines.first?.contains("test_set cannot set \"envelope.bogus\"; expected one of \"message\"") == true, "\(lines)")
    }

    @Test("test_set \"message\" takes the envelope from the header, as Pigeonhole's test suite does", arguments: [
        ("From: a@example.org\r\nTo: b@example.net\r\n", "a@example.org", "b@example.net"),
        ("Return-Path: <r@example.org>\r\nSender: s@example.org\r\nFrom: a@example.org\r\nEnvelope-To: e@example.net\r\nTo: b@example.net\r\n",
         "r@example.org", "e@example.net"),
        ("Sender: S <s@example.org>\r\nFrom: a@example.org\r\nTo: B <b@example.net>, c@example.net\r\n", "s@example.org", "b@example.net"),
        ("Subject: none\r\n", "sender@example.com", "recipient@example.com"),
    ])
    func messageSetsEnvelope(header: String, from: String, to: String) {
        let setup = "test_set \"message\" \"\(header)\r\nbody\r\n\";"
        let condition = "allof(envelope :is \"from\" \"\(from)\", envelope :is \"to\" \"\(to)\")"
        #expect(suiteLines(expectBlock(condition, setup: setup)) == ["PASS t"])
        // test_set "envelope.…" afterwards still wins.
        let later = setup + " test_set \"envelope.to\" \"x@example.org\";"
        #expect(suiteLines(expectBlock("envelope :is \"to\" \"x@example.org\"", setup: later)) == ["PASS t"])
    }

    @Test("a new message drops the body strings extracted from the old one")
    func bodyOfNewMessage() {
        let lines = runSuite("""
            require ["vnd.dovecot.testsuite", "body"];
            test_set "message" "Subject: one\r\n\r\nfirst body\r\n";
            test "t" {
              if not body :text :contains "first" { test_fail "first"; }
              test_set "message" "Subject: two\r\n\r\nsecond body\r\n";
              if body :text :contains "first" { test_fail "old body seen"; }
              if not body :text :contains "second" { test_fail "second"; }
            }
            """).lines
        #expect(lines == ["PASS t"])
    }

    @Test("test_config_set recipient_delimiter changes the subaddress separator")
    func recipientDelimiter() {
        let lines = suiteLines(expectBlock("envelope :detail \"to\" \"box\"", setup: """
            test_set "envelope.to" "b-box@example.net";
            test_config_set "recipient_delimiter" "-";
            test_config_reload;
            """))
        #expect(lines == ["PASS t"])
    }

    @Test("test_config_set sieve_max_redirects limits the script under test; unset restores the default")
    func maxRedirects() {
        let script = "redirect \"a@example.org\"; redirect \"b@example.org\";"
        let lines = suiteLines("""
            test "limited" {
              test_config_set "sieve_max_redirects" "1";
              if not test_script_compile "r.sieve" { test_fail "compile"; }
              if test_script_run { test_fail "should have failed"; }
              if not test_error :index 1 :contains "too many redirects: the limit is 1" { test_fail "wrong error"; }
              test_config_unset "sieve_max_redirects";
              if not test_script_compile "r.sieve" { test_fail "compile"; }
              test_result_reset;
              if not test_script_run { test_fail "default limit should allow two"; }
            }
            """, files: ["r.sieve": script])
        #expect(lines == ["PASS limited"])
    }

    @Test("test_config_set maps vacation periods and limits; unknown keys and bad values fail the block", arguments: [
        ("sieve_vacation_min_period", "1s", nil),
        ("sieve_vacation_default_period", "2 days", nil),
        ("sieve_vacation_max_period", "1w", nil),
        ("sieve_max_actions", "5", nil),
        ("lda_mailbox_autocreate", "no", nil),
        ("sieve_variables_max_variable_size", "4000", nil),
        ("sieve_variables_max_scope_size", "x", "sieve_variables_max_scope_size expects a whole number, found \"x\""),
        ("sieve_vacation_min_period", "soon", "sieve_vacation_min_period expects a period such as \"30s\", \"2h\" or \"1d\", found \"soon\""),
        ("sieve_max_actions", "-1", "sieve_max_actions expects a whole number, found \"-1\""),
        ("sieve_vacation_send_from_recipient", "yes", nil),
        ("sieve_vacation_check_recipient", "maybe", "sieve_vacation_check_recipient expects yes or no, found \"maybe\""),
        ("sieve_user_email", "a@example.org", nil),
        ("sieve_editheader_max_header_size", "1k", nil),
        ("sieve_no_such_setting", "1", "unknown setting \"sieve_no_such_setting\" in test_config; Sluice maps \"recipient_delimiter\""),
    ] as [(String, String, String?)])
    func configKeys(key: String, value: String, failure: String?) {
        let lines = suiteLines("test \"t\" {\ntest_config_set \"\(key)\" \"\(value)\";\n}")
        if let failure {
            #expect(lines.count == 1)
            #expect(lines[0].hasPrefix("FAIL t: suite/t.svtest:3: " + failure), "\(lines)")
        } else {
            #expect(lines == ["PASS t"])
        }
    }

    @Test("vacation periods set by test_config apply to scripts compiled afterwards")
    func vacationPeriods() throws {
        var options = SieveOptions()
        var store = TestMailStore()
        var delivery = TestSuiteDeliverySettings()
        try TestSuiteConfig.apply("sieve_vacation_min_period", value: "1h", to: &options, store: &store, delivery: &delivery,
                                  defaults: SieveOptions())
        #expect(options.vacationPeriods.minimum == 3600)
        try TestSuiteConfig.apply("sieve_vacation_min_period", value: nil, to: &options, store: &store, delivery: &delivery,
                                  defaults: SieveOptions())
        #expect(options.vacationPeriods.minimum == SieveOptions().vacationPeriods.minimum)
    }

    @Test("periods", arguments: [("90", 90), ("30s", 30), ("5m", 300), ("2h", 7200), ("1d", 86_400), ("2 days", 172_800), ("1w", 604_800), ("0", 0)])
    func periods(text: String, seconds: Int) throws {
        #expect(try TestSuiteConfig.period(text, "k") == seconds)
    }
}
