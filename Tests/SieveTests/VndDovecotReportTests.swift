import MailCore
import Testing
@testable import Sieve

private func report(_ type: String, _ message: String, _ address: String, headersOnly: Bool = false) -> SieveAction {
    .report(ReportAction(feedbackType: type, message: message, address: address, headersOnly: headersOnly))
}

@Suite("vnd.dovecot.report")
struct VndDovecotReportTests {
    @Test("report adds a report action and leaves the implicit keep alone",
          arguments: [
              ("report \"abuse\" \"This is spam\" \"abuse@example.com\";",
               [report("abuse", "This is spam", "abuse@example.com"), implicitKeep]),
              ("report :headers_only \"Fraud\" \"phish\" \"Desk <desk@example.com>\"; discard;",
               [report("fraud", "phish", "desk@example.com", headersOnly: true), .discard]),
              ("set \"t\" \"not-spam\"; report \"${t}\" \"ok\" \"ham@example.com\";",
               [report("not-spam", "ok", "ham@example.com"), implicitKeep]),
              ("report \"abuse\" \"one\" \"abuse@example.com\"; report \"virus\" \"two\" \"abuse@EXAMPLE.com\";",
               [report("abuse", "one", "abuse@example.com"), implicitKeep]),
          ] as [(String, [SieveAction])])
    func reportActions(_ body: String, expected: [SieveAction]) throws {
        #expect(try actions("require [\"vnd.dovecot.report\", \"variables\"];\n" + body) == expected)
    }

    @Test("feedback types are MIME tokens, lowercased",
          arguments: [("abuse", "abuse"), (" Not-Spam ", "not-spam"), ("auth-failure", "auth-failure"),
                      ("?????", nil), ("two words", nil), ("", nil), ("a/b", nil)] as [(String, String?)])
    func feedbackTypes(_ text: String, expected: String?) {
        #expect(ReportAction.feedbackType(text) == expected)
    }

    @Test("compile errors name what is wrong",
          arguments: [
              ("report \"?????\" \"m\" \"a@example.com\";",
               "test.sieve:2:8: error: report feedback type \"?????\" is not a MIME token; expected a type such as \"abuse\", \"fraud\", \"virus\", \"other\" or \"not-spam\" (RFC 5965)"),
              ("report \"abuse\" \"m\" \"not an address\";",
               "test.sieve:2:20: error: report address \"not an address\" is not a valid mailbox (expected local@domain)"),
              ("report \"abuse\" \"m\";",
               "test.sieve:2:1: error: command 'report' expects 3 positional arguments [feedback type (a string), message (a string), address (a string)], found 2"),
          ])
    func compileErrors(_ body: String, expected: String) {
        #expect(diagnostics("require \"vnd.dovecot.report\";\n" + body).first == expected)
    }

    @Test("report needs its extension")
    func needsRequire() {
        #expect(diagnostics("report \"abuse\" \"m\" \"a@example.com\";").first?.contains("\"vnd.dovecot.report\"") == true)
    }

    @Test("a feedback type or address that is wrong only after variable expansion fails the run")
    func runtimeErrors() throws {
        let bad = try run("require [\"vnd.dovecot.report\", \"variables\"];\nset \"t\" \"a b\"; report \"${t}\" \"m\" \"a@example.com\";")
        #expect(bad.actions == [implicitKeep])
        #expect(bad.errors.first?.message.contains("is not a MIME token") == true)
        let address = try run("require [\"vnd.dovecot.report\", \"variables\"];\nset \"a\" \"nobody\"; report \"abuse\" \"m\" \"${a}\";")
        #expect(address.errors.first?.message.contains("is not a valid mailbox") == true)
    }
}
