import Testing
@testable import Sieve

@Suite("vnd.dovecot.testsuite: test blocks")
struct TestBlockTests {
    @Test("a passing and a failing block: one line each, the failure with file:line and reason")
    func passAndFail() {
        let lines = suiteLines("""
            test "passes" { if false { test_fail "never"; } }
            test "fails" {
              test_fail "wrong subject";
            }
            """)
        #expect(lines == ["PASS passes", "FAIL fails: suite/t.svtest:4: wrong subject"])
    }

    @Test("a failing block does not stop the blocks after it")
    func failureDoesNotStopOthers() {
        let report = runSuite(suitePrelude + """
            test "a" { test_fail "first"; }
            test "b" { test_fail "second"; }
            test "c" { keep; }
            """)
        #expect(report.blocks.map(\.name) == ["a", "b", "c"])
        #expect(report.passedCount == 1)
        #expect(report.failedCount == 2)
        #expect(TestSuiteSummary([report]).line == "1 passed, 2 failed")
    }

    @Test("each block starts from the top-level state: message, envelope, result, variables, settings")
    func freshState() {
        let lines = suiteLines("""
            test_set "message" text:
            Subject: top

            body
            .
            ;
            test "changes everything" {
              test_set "message" text:
            Subject: changed

            .
            ;
              test_set "envelope.from" "other@example.org";
              set "v" "changed";
              test_config_set "recipient_delimiter" "-";
              redirect "x@example.org";
            }
            test "sees the top-level state" {
              if not header :is "subject" "top" { test_fail "message leaked"; }
              if not envelope :is "from" "sender@example.com" { test_fail "envelope leaked"; }
              if not string :is "${v}" "" { test_fail "variable leaked"; }
              if test_result_action :count "ne" :comparator "i;ascii-numeric" "0" { test_fail "result leaked"; }
            }
            """)
        #expect(lines == ["PASS changes everything", "PASS sees the top-level state"])
    }

    @Test("stop ends the block, which passes")
    func stopEndsBlock() {
        let lines = suiteLines("""
            test "s" { stop; test_fail "after stop"; }
            test "next" { }
            """)
        #expect(lines == ["PASS s", "PASS next"])
    }

    @Test("a runtime error fails the block with the error")
    func runtimeError() {
        let lines = suiteLines("""
            test "conflict" {
              keep;
              redirect "a@example.org"; redirect "b@example.org"; redirect "c@example.org";
              redirect "d@example.org"; redirect "e@example.org";
            }
            """)
        #expect(lines == ["FAIL conflict: suite/t.svtest:5: runtime error: too many redirects: the limit is 4 per message"])
    }

    @Test("an unknown command fails only its own block")
    func unknownCommand() {
        let lines = suiteLines("""
            test "a" { frobnicate; }
            test "b" { keep; }
            """)
        #expect(lines == ["FAIL a: suite/t.svtest:2: does not compile: unknown command 'frobnicate' (column 12)", "PASS b"])
    }

    @Test("an unsupported extension in require fails only the blocks that use it, naming the extension")
    func unsupportedExtension() {
        let lines = runSuite("""
            require ["vnd.dovecot.testsuite", "vnd.example.frob"];
            test "uses it" { frob_it; }
            test "does not" { keep; }
            """).lines
        #expect(lines == [
            "FAIL uses it: suite/t.svtest:2: does not compile: unknown command 'frob_it' (column 18); "
                + "this file requires \"vnd.example.frob\", which Sluice does not support",
            "PASS does not",
        ])
    }

    @Test("Pigeonhole commands Sluice lacks fail their block with a clear reason")
    func unsupportedTestsuiteCommand() {
        let lines = suiteLines("""
            test "metadata" { test_mailbox_delete "x"; }
            """)
        #expect(lines == ["FAIL metadata: suite/t.svtest:2: does not compile: testsuite command 'test_mailbox_delete' is not supported by Sluice (column 19)"])
    }

    @Test("test blocks cannot nest")
    func nested() {
        let lines = suiteLines("""
            test "outer" { test "inner" { } }
            """)
        #expect(lines.count == 1)
        #expect(lines[0].hasPrefix("FAIL outer: suite/t.svtest:2: does not compile: test blocks cannot be nested"))
    }

    @Test("file-level problems fail the file", arguments: [
        ("test \"x\" { keep; }", "FAIL suite/t.svtest: not a test file: it must start with require \"vnd.dovecot.testsuite\";"),
        ("require \"vnd.dovecot.testsuite\";\ntest \"x\" { keep; ", "FAIL suite/t.svtest: suite/t.svtest:2:"),
        ("require \"vnd.dovecot.testsuite\";\ntest_fail \"top\";", "FAIL suite/t.svtest: outside any test block: suite/t.svtest:2:1: error: top"),
        ("require \"vnd.dovecot.testsuite\";\nfrob;", "FAIL suite/t.svtest: suite/t.svtest:2:1: error: unknown command 'frob'"),
    ])
    func fileLevel(source: String, expectedPrefix: String) {
        let report = runSuite(source)
        #expect(report.failedCount >= 1)
        #expect(report.lines.first?.hasPrefix(expectedPrefix) == true, "\(report.lines)")
    }

    @Test("the testsuite extension is never available to ordinary scripts")
    func notForDelivery() {
        #expect(!SieveOptions.supportedExtensions.contains("vnd.dovecot.testsuite"))
        let result = SieveCompiler.compile("require \"vnd.dovecot.testsuite\";\ntest_fail \"x\";\n", file: "s.sieve")
        #expect(result.script == nil)
        #expect(result.diagnostics.first?.message == "extension \"vnd.dovecot.testsuite\" is not enabled on this server")
    }

    @Test("testsuite commands compiled by hand still refuse to run outside sieve-check test")
    func refusesOutsideRunner() throws {
        var options = SieveOptions()
        options.enabledExtensions.insert("vnd.dovecot.testsuite")
        let compiled = SieveCompiler.compile("require \"vnd.dovecot.testsuite\";\ntest_result_reset;\n", options: options)
        let script = try #require(compiled.script)
        let result = SieveInterpreter.run(script, context: SieveMessageContext(message: standardMessage, envelope: standardEnvelope),
                                          options: options)
        #expect(result.errors.first?.message == "testsuite commands only run under 'sieve-check test'")
    }
}
