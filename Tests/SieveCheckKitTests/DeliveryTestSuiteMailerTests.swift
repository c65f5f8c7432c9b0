import MailCore
import Sieve
import SieveCheckKit
import Testing

/// Runs a test file with `mailer`; the PASS/FAIL lines.
private func run(_ source: String, mailer: any TestSuiteMailer) -> [String] {
    let runner = TestSuiteRunner(mailer: mailer, readFile: { path in throw TestFileMissing(path: path) })
    return runner.run(source: Array(source.utf8), file: "mailer.svtest").lines
}

private struct TestFileMissing: Error {
    var path: String
}

/// One block per kind of message: whether `sieve-check test` sends a vacation reply.
private let vacationSuite = """
    require "vnd.dovecot.testsuite";
    require ["vacation", "envelope"];
    test "personal" {
      test_set "message" "From: ann@example.org\r\nTo: tim@example.net\r\nSubject: Lunch\r\nMessage-ID: <1@example.org>\r\n\r\nx\r\n";
      test_set "envelope.from" "ann@example.org";
      test_set "envelope.to" "tim@example.net";
      vacation "I am away.";
      if not test_result_execute { test_fail "execute"; }
      if not test_message :smtp 0 { test_fail "no reply"; }
      if not header :is "subject" "Auto: Lunch" { test_fail "subject"; }
      if not header :contains "auto-submitted" "auto-replied" { test_fail "auto-submitted"; }
      if not envelope :is "from" "" { test_fail "envelope sender"; }
    }
    test "mailing list" {
      test_set "message" "From: ann@example.org\r\nTo: tim@example.net\r\nList-Id: <dev.lists.example.org>\r\nSubject: Lunch\r\n\r\nx\r\n";
      test_set "envelope.from" "ann@example.org";
      test_set "envelope.to" "tim@example.net";
      vacation "I am away.";
      if not test_result_execute { test_fail "execute"; }
      if not test_message :smtp 0 { test_fail "no reply"; }
    }
    test "not addressed" {
      test_set "message" "From: ann@example.org\r\nTo: everyone@example.net\r\nSubject: Lunch\r\n\r\nx\r\n";
      test_set "envelope.from" "ann@example.org";
      test_set "envelope.to" "tim@example.net";
      vacation "I am away.";
      if not test_result_execute { test_fail "execute"; }
      if not test_message :smtp 0 { test_fail "no reply"; }
    }
    """

@Suite("sieve-check test: redirects and vacation replies follow the delivery agent's rules")
struct DeliveryTestSuiteMailerTests {
    @Test("RFC 3834: no reply to a mailing list or when the user is not addressed; the basic mailer replies to both")
    func vacationSuppression() {
        #expect(run(vacationSuite, mailer: DeliveryTestSuiteMailer()) == [
            "PASS personal",
            "FAIL mailing list: mailer.svtest:32: no reply",
            "FAIL not addressed: mailer.svtest:45: no reply",
        ])
        #expect(run(vacationSuite, mailer: BasicTestSuiteMailer()) == ["PASS personal", "PASS mailing list", "PASS not addressed"])
    }

    @Test("a redirect carries the delivery agent's loop header, and a loop is refused")
    func redirect() {
        let lines = run("""
            require ["vnd.dovecot.testsuite", "envelope"];
            test_set "message" "From: ann@example.org\r\nTo: tim@example.net\r\nSubject: x\r\n\r\nx\r\n";
            test_set "envelope.from" "ann@example.org";
            test_set "envelope.to" "tim@example.net";
            test "redirect" {
              redirect "cas@example.com";
              if not test_result_execute { test_fail "execute"; }
              if not test_message :smtp 0 { test_fail "not sent"; }
              if not envelope :is "to" "cas@example.com" { test_fail "envelope recipient"; }
              if not envelope :is "from" "ann@example.org" { test_fail "envelope sender"; }
              if not exists "x-sieve-redirected-from" { test_fail "loop header"; }
            }
            test "loop" {
              test_set "message" "X-Sieve-Redirected-From: tim@example.net\r\nSubject: x\r\n\r\nx\r\n";
              test_set "envelope.to" "tim@example.net";
              redirect "cas@example.com";
              if not test_result_execute { test_fail "execute"; }
              if test_message :smtp 0 { test_fail "mail loop not recognised"; }
            }
            """, mailer: DeliveryTestSuiteMailer())
        #expect(lines == ["PASS redirect", "PASS loop"])
    }
}
