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

    @Test("test_config_set's vacation settings reach the delivery agent's rules")
    func vacationSettings() {
        let lines = run("""
            require ["vnd.dovecot.testsuite", "vacation", "envelope"];
            test "default subject" {
              test_set "message" "From: ann@example.org\r\nTo: tim@example.net\r\n\r\nx\r\n";
              test_config_set "sieve_vacation_default_subject" "Away";
              vacation "I am away.";
              if not test_result_execute { test_fail "execute"; }
              test_message :smtp 0;
              if not header :is "subject" "Away" { test_fail "subject"; }
            }
            test "template" {
              test_set "message" "From: ann@example.org\r\nTo: tim@example.net\r\nSubject: Lunch\r\n\r\nx\r\n";
              test_config_set "sieve_vacation_default_subject_template" "Re (away): %{subject}";
              vacation "I am away.";
              if not test_result_execute { test_fail "execute"; }
              test_message :smtp 0;
              if not header :is "subject" "Re (away): Lunch" { test_fail "subject"; }
            }
            test "not addressed, unchecked" {
              test_set "message" "From: ann@example.org\r\nTo: all@example.net\r\n\r\nx\r\n";
              test_set "envelope.to" "tim@example.net";
              test_config_set "sieve_vacation_check_recipient" "no";
              vacation "I am away.";
              if not test_result_execute { test_fail "execute"; }
              if not test_message :smtp 0 { test_fail "no reply"; }
            }
            test "original recipient" {
              test_set "message" "From: ann@example.org\r\nTo: all@example.net\r\n\r\nx\r\n";
              test_set "envelope.to" "tim@example.net";
              test_set "envelope.orig_to" "all@example.net";
              test_config_set "sieve_vacation_use_original_recipient" "yes";
              vacation "I am away.";
              if not test_result_execute { test_fail "execute"; }
              if not test_message :smtp 0 { test_fail "no reply"; }
              if not address :is "from" "all@example.net" { test_fail "from"; }
            }
            test "user email, sent from the recipient" {
              test_set "message" "From: Ann Example <ann@example.org>\r\nTo: user@example.net\r\n\r\nx\r\n";
              test_set "envelope.to" "tim@example.net";
              test_config_set "sieve_user_email" "user@example.net";
              test_config_set "sieve_vacation_send_from_recipient" "yes";
              vacation "I am away.";
              if not test_result_execute { test_fail "execute"; }
              test_message :smtp 0;
              if not address :is "from" "user@example.net" { test_fail "from"; }
              if not envelope :is "from" "user@example.net" { test_fail "envelope sender"; }
              if not header :is "to" "\\"Ann Example\\" <ann@example.org>" { test_fail "to"; }
            }
            test "to from the header" {
              test_set "message" "From: ann@example.org\r\nSender: Bob <bob@example.org>\r\nTo: tim@example.net\r\n\r\nx\r\n";
              test_set "envelope.from" "srs0=x=y@forwarder.example";
              test_config_set "sieve_vacation_to_header_ignore_envelope" "yes";
              vacation "I am away.";
              if not test_result_execute { test_fail "execute"; }
              test_message :smtp 0;
              if not header :is "to" "Bob <bob@example.org>" { test_fail "to"; }
              if not envelope :is "to" "srs0=x=y@forwarder.example" { test_fail "envelope recipient"; }
            }
            """, mailer: DeliveryTestSuiteMailer())
        #expect(lines == ["PASS default subject", "PASS template", "PASS not addressed, unchecked", "PASS original recipient",
                          "PASS user email, sent from the recipient", "PASS to from the header"])
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
