import Testing
@testable import Sieve

@Suite("vnd.dovecot.testsuite: test_result_action, test_result_reset, test_result_print")
struct TestSuiteResultTests {
    @Test("test_result_action matches Pigeonhole's action names and Sieve's", arguments: [
        ("keep;", "store"), ("keep;", "keep"),
        ("fileinto \"A\";", "store"), ("fileinto \"A\";", "fileinto"),
        ("redirect \"a@example.org\";", "redirect"), ("discard;", "discard"),
        ("require \"reject\"; reject \"no\";", "reject"),
        ("vacation \"away\";", "vacation"),
    ])
    func names(commands: String, name: String) {
        let files = ["s.sieve": "require [\"fileinto\", \"vacation\"];\n" + commands.replacingOccurrences(of: "require \"reject\"; ", with: "")]
        let script = commands.contains("reject") ? "require \"reject\";\nreject \"no\";" : files["s.sieve"]!
        let lines = suiteLines(expectBlock("test_result_action :index 1 \"\(name)\"", setup: """
            if not test_script_compile "s.sieve" { test_fail "compile"; }
            if not test_script_run { test_fail "run"; }
            """), files: ["s.sieve": script])
        #expect(lines == ["PASS t"])
    }

    @Test("test_result_action :index, :count and match types over Pigeonhole's fileinto example")
    func indexAndCount() {
        let script = """
            require "fileinto";
            if address :contains "to" "vestingbar" { fileinto "INBOX.VB"; }
            fileinto "INBOX.backup";
            keep;
            fileinto "INBOX";
            redirect "a@example.org";
            """
        let lines = suiteLines("""
            test_set "message" "To: nico@vestingbar.nl\r\nSubject: x\r\n\r\nx\r\n";
            test "fileinto" {
              if not test_script_compile "f.sieve" { test_fail "compile failed"; }
              if not test_script_run { test_fail "run failed"; }
              if not test_result_action :count "eq" :comparator "i;ascii-numeric" "4" { test_fail "count"; }
              if not test_result_action :index 3 "keep" { test_fail "third is the keep"; }
              if not test_result_action :index 4 "redirect" { test_fail "fourth is the redirect"; }
              if test_result_action :index 5 "redirect" { test_fail "there is no fifth"; }
              if not test_result_action :matches "re*" { test_fail ":matches over all actions"; }
              if test_result_action "discard" { test_fail "no discard"; }
            }
            """, files: ["f.sieve": script])
        #expect(lines == ["PASS fileinto"])
    }

    @Test("the test file's own actions join the result; the implicit keep is not listed")
    func ownActions() {
        let lines = suiteLines("""
            test "own" {
              if not test_result_action :count "eq" :comparator "i;ascii-numeric" "0" { test_fail "implicit keep listed"; }
              fileinto "Junk";
              if not test_result_action :index 1 "fileinto" { test_fail "fileinto missing"; }
            }
            """)
        #expect(lines == ["PASS own"])
    }

    @Test("test_result_reset empties the result")
    func reset() {
        let lines = suiteLines(expectBlock("test_result_action :count \"eq\" :comparator \"i;ascii-numeric\" \"0\"", setup: """
            discard; redirect "a@example.org";
            test_result_reset;
            """))
        #expect(lines == ["PASS t"])
    }

    @Test("test_result_print lists the actions under the block's line")
    func print() {
        let lines = suiteLines("""
            test "p" { fileinto "Junk"; test_result_print; }
            test "empty" { test_result_print; }
            """)
        #expect(lines == ["PASS p", "    fileinto \"Junk\"", "PASS empty", "    implicit keep"])
    }
}

@Suite("vnd.dovecot.testsuite: test_script_compile, test_script_run, test_error, test_multiscript")
struct TestSuiteScriptTests {
    @Test("test_script_compile resolves paths against the test file; test_error sees its diagnostics")
    func compile() {
        let lines = suiteLines("""
            test "good" { if not test_script_compile "ok.sieve" { test_fail "ok.sieve should compile"; } }
            test "bad" {
              if test_script_compile "bad.sieve" { test_fail "bad.sieve should not compile"; }
              if not test_error :count "eq" :comparator "i;ascii-numeric" "3" { test_fail "three errors expected"; }
              if not test_error :index 1 :contains "unknown command 'frob'" { test_fail "first error"; }
              if not test_error :index 2 :matches "*requires the \\"fileinto\\" extension*" { test_fail "second error"; }
              if not test_error :index 3 :is "validation failed" { test_fail "the stage that failed comes last"; }
            }
            test "missing" {
              if test_script_compile "none.sieve" { test_fail "a missing file compiled"; }
              if not test_error :is "cannot read suite/none.sieve: no such file" { test_fail "read error"; }
            }
            test "unparsable" {
              if test_script_compile "broken.sieve" { test_fail "broken.sieve compiled"; }
              if not test_error :index 2 :is "parse failed" { test_fail "parse failed expected after the syntax error"; }
            }
            """, files: ["ok.sieve": "keep;", "bad.sieve": "frob;\nfileinto \"x\";", "broken.sieve": "keep"])
        #expect(lines == ["PASS good", "PASS bad", "PASS missing", "PASS unparsable"])
    }

    @Test("test_script_run runs against the current message and envelope; results accumulate")
    func run() {
        let script = """
            require ["envelope", "fileinto"];
            if envelope :is "from" "boss@example.org" { fileinto "Boss"; }
            if header :contains "subject" "urgent" { redirect "pager@example.org"; }
            """
        let lines = suiteLines("""
            test "run" {
              test_set "message" "Subject: urgent thing\r\n\r\nx\r\n";
              test_set "envelope.from" "boss@example.org";
              if not test_script_compile "s.sieve" { test_fail "compile"; }
              if not test_script_run { test_fail "run"; }
              if not test_script_run :append_result { test_fail "second run"; }
              if not test_result_action :count "eq" :comparator "i;ascii-numeric" "2" { test_fail "duplicates should collapse"; }
              discard;
              if not test_result_action :index 3 "discard" { test_fail "own action after the script's"; }
            }
            test "without compile" {
              if test_script_run { test_fail "ran without a script"; }
              if not test_error :contains "no script compiled" { test_fail "error text"; }
            }
            """, files: ["s.sieve": script])
        #expect(lines == ["PASS run", "PASS without compile"])
    }

    @Test("a runtime error of the script under test is reported through test_error")
    func runtimeError() {
        let lines = suiteLines("""
            test "conflict" {
              if not test_script_compile "c.sieve" { test_fail "compile"; }
              if test_script_run { test_fail "should fail"; }
              if not test_error :index 1 :contains "cannot be combined" { test_fail "error"; }
            }
            """, files: ["c.sieve": "require \"reject\";\nkeep;\nreject \"no\";"])
        #expect(lines == ["PASS conflict"])
    }

    @Test("test_multiscript runs scripts in order while the implicit keep holds, executing each result")
    func multiscript() {
        let lines = suiteLines("""
            test "chain" {
              if not test_multiscript ["flag.sieve", "file.sieve", "never.sieve"] { test_fail "multiscript"; }
              test_message :folder "Lists" 0;
              if test_message :folder "Never" 0 { test_fail "third script ran after the keep was cancelled"; }
              if test_message :folder "INBOX" 0 { test_fail "kept although a script filed it"; }
            }
            test "all keep" {
              if not test_multiscript ["flag.sieve", "flag.sieve"] { test_fail "multiscript"; }
              test_message :folder "INBOX" 0;
              if not test_message :folder "Seen" 0 { test_fail "copy missing"; }
            }
            test "broken" {
              if test_multiscript ["flag.sieve", "broken.sieve"] { test_fail "should fail"; }
              if not test_error :contains "unknown command" { test_fail "error"; }
            }
            """, files: [
                "flag.sieve": "require [\"fileinto\", \"copy\"];\nfileinto :copy \"Seen\";",
                "file.sieve": "require \"fileinto\";\nfileinto \"Lists\";",
                "never.sieve": "require \"fileinto\";\nfileinto \"Never\";",
                "broken.sieve": "frob;",
            ])
        #expect(lines == ["PASS chain", "PASS all keep", "PASS broken"])
    }

    @Test("test_script_run :append_result: executed actions stand, a later reject is no conflict, a second one is dropped")
    func appendResult() {
        let lines = suiteLines("""
            test "sequence" {
              if not allof (test_script_compile "file.sieve", test_script_run) { test_fail "first"; }
              if not test_result_execute { test_fail "execute first"; }
              if not allof (test_script_compile "no.sieve", test_script_run :append_result) { test_fail "second"; }
              if not test_result_execute { test_fail "execute second"; }
              if not allof (test_script_compile "again.sieve", test_script_run :append_result) { test_fail "third"; }
              if not test_result_action :index 1 "fileinto" { test_fail "the copy is first"; }
              if not test_result_action :index 2 "reject" { test_fail "the reject joined"; }
              if test_result_action :index 3 "reject" { test_fail "the second reject should be dropped"; }
              test_message :folder "Lists" 0;
            }
            test "not executed between runs" {
              if not allof (test_script_compile "file.sieve", test_script_run) { test_fail "first"; }
              if not test_script_compile "no.sieve" { test_fail "compile"; }
              if test_script_run :append_result { test_fail "reject beside a pending fileinto must fail"; }
              if not test_error :contains "cannot be combined" { test_fail "error"; }
            }
            test "without append the result starts afresh" {
              if not allof (test_script_compile "file.sieve", test_script_run) { test_fail "first"; }
              if not allof (test_script_compile "no.sieve", test_script_run) { test_fail "second"; }
              if not test_result_action :count "eq" :comparator "i;ascii-numeric" "1" { test_fail "one action"; }
            }
            """, files: [
                "file.sieve": "require \"fileinto\";\nfileinto \"Lists\";",
                "no.sieve": "require \"reject\";\nreject \"no\";",
                "again.sieve": "require \"reject\";\nreject \"still no\";",
            ])
        #expect(lines == ["PASS sequence", "PASS not executed between runs", "PASS without append the result starts afresh"])
    }
}

@Suite("vnd.dovecot.testsuite: test_result_execute, test_message, test_mailbox_create")
struct TestSuiteExecuteTests {
    @Test("redirect: the sent copy has the new envelope recipient and X-Sieve-Redirected-From")
    func redirect() {
        let lines = suiteLines("""
            test_set "message" "From: stephan@example.org\r\nTo: tss@example.net\r\nSubject: Frop!\r\n\r\nFrop!\r\n";
            test_set "envelope.from" "sirius@example.org";
            test_set "envelope.to" "timo@example.net";
            test "redirect" {
              redirect "cras@example.net";
              if not test_result_execute { test_fail "execute"; }
              test_message :smtp 0;
              if not address :is "to" "tss@example.net" { test_fail "to"; }
              if not envelope :is "to" "cras@example.net" { test_fail "envelope recipient"; }
              if not envelope :is "from" "sirius@example.org" { test_fail "envelope sender"; }
              if not header :contains "x-sieve-redirected-from" "timo@example.net" { test_fail "loop header"; }
            }
            test "loop" {
              test_set "message" "X-Sieve-Redirected-From: timo@example.net\r\nSubject: x\r\n\r\nx\r\n";
              test_set "envelope.to" "timo@example.net";
              redirect "cras@example.net";
              if not test_result_execute { test_fail "execute"; }
              if test_message :smtp 0 { test_fail "mail loop not recognised"; }
            }
            """)
        #expect(lines == ["PASS redirect", "PASS loop"])
    }

    @Test("vacation: the reply goes from the null sender to the envelope sender")
    func vacation() {
        let lines = suiteLines("""
            test_set "message" "From: a@example.org\r\nSubject: Hello\r\nMessage-ID: <1@example.org>\r\n\r\nx\r\n";
            test_set "envelope.from" "a@example.org";
            test "vacation" {
              vacation "I am away.";
              if not test_result_execute { test_fail "execute"; }
              test_message :smtp 0;
              if not envelope :is "from" "" { test_fail "not from the null sender"; }
              if not envelope :is "to" "a@example.org" { test_fail "recipient"; }
              if not header :is "subject" "Auto: Hello" { test_fail "subject"; }
              if not header :is "auto-submitted" "auto-replied" { test_fail "auto-submitted"; }
              if not header :is "in-reply-to" "<1@example.org>" { test_fail "in-reply-to"; }
            }
            test "null sender" {
              test_set "envelope.from" "<>";
              vacation "I am away.";
              if not test_result_execute { test_fail "execute"; }
              if test_message :smtp 0 { test_fail "replied to the null sender"; }
            }
            """)
        #expect(lines == ["PASS vacation", "PASS null sender"])
    }

    @Test("fileinto and the implicit keep store into the in-memory folders")
    func folders() {
        let lines = suiteLines("""
            test_set "message" "Subject: stored\r\n\r\nx\r\n";
            test "fileinto" {
              fileinto "Archive";
              if not test_result_execute { test_fail "execute"; }
              test_message :folder "Archive" 0;
              if not header :is "subject" "stored" { test_fail "wrong message"; }
              if test_message :folder "INBOX" 0 { test_fail "implicit keep after fileinto"; }
            }
            test "implicit keep" {
              if not test_result_execute { test_fail "execute"; }
              test_message :folder "inbox" 0;
            }
            test "missing" {
              test_message :folder "Archive" 0;
            }
            test "no autocreate" {
              test_config_set "lda_mailbox_autocreate" "no";
              fileinto "Elsewhere";
              if not test_result_execute { test_fail "execute"; }
              if test_message :folder "Elsewhere" 0 { test_fail "folder created"; }
              test_message :folder "INBOX" 0;
            }
            test "created" {
              test_config_set "lda_mailbox_autocreate" "no";
              test_mailbox_create "Made";
              fileinto "Made";
              if not test_result_execute { test_fail "execute"; }
              test_message :folder "Made" 0;
            }
            """)
        #expect(lines == [
            "PASS fileinto", "PASS implicit keep",
            "FAIL missing: suite/t.svtest:18: test_message :folder \"Archive\" 0: no such message; the folder holds 0 (counting from 0)",
            "PASS no autocreate", "PASS created",
        ])
    }

    @Test("test_result_reset empties the result and the outbox but stored messages stay, as in Pigeonhole")
    func resetKeepsStore() {
        let lines = suiteLines("""
            test_set "message" "From: a@example.org\r\nSubject: kept\r\n\r\nx\r\n";
            test "reset" {
              fileinto "Archive";
              redirect "b@example.org";
              if not test_result_execute { test_fail "execute"; }
              test_result_reset;
              if test_message :smtp 0 { test_fail "outbox not emptied"; }
              fileinto "Archive";
              if not test_result_execute { test_fail "second execute"; }
              test_result_reset;
              if not test_message :folder "Archive" 1 { test_fail "first message gone"; }
              if not header :is "subject" "kept" { test_fail "wrong message"; }
              if not envelope :is "from" "a@example.org" { test_fail "envelope not taken from the stored message"; }
            }
            """)
        #expect(lines == ["PASS reset"])
    }

    @Test("test_message :smtp as a command fails the block when nothing was sent")
    func missingSMTP() {
        let lines = suiteLines("test \"m\" {\n  test_message :smtp 1;\n}")
        #expect(lines == ["FAIL m: suite/t.svtest:3: test_message :smtp 1: no such message; 0 sent (counting from 0)"])
    }

    @Test("test_message needs :smtp or :folder")
    func selectorRequired() {
        let lines = suiteLines("test \"m\" { test_message 0; }")
        #expect(lines.first?.contains("needs :smtp or :folder \"name\" before the message index") == true, "\(lines)")
    }
}
