import MailCore
import Testing

@testable import LMTP

@Suite("RFC 3463 §2 enhanced status codes")
struct EnhancedStatusCodeTests {
    @Test(arguments: [
        ("2.0.0", "2.0.0"), ("5.1.1", "5.1.1"), ("4.5.3", "4.5.3"), ("5.123.999", "5.123.999"),
    ])
    func parsesValidCodes(text: String, expected: String) {
        #expect(EnhancedStatusCode(text)?.description == expected)
    }

    @Test(arguments: ["3.0.0", "2.0", "2.0.0.0", "5.1000.1", "5..1", "a.b.c", "25.0.0", "", "5.1.-1"])
    func rejectsInvalidCodes(text: String) {
        #expect(EnhancedStatusCode(text) == nil)
    }

    @Test func constructorChecksRanges() {
        #expect(EnhancedStatusCode(.permanentFailure, 1000, 0) == nil)
        #expect(EnhancedStatusCode(.permanentFailure, 2, 3) == .messageTooBig)
    }
}

@Suite("RFC 5321 §4.2 reply encoding")
struct LMTPReplyTests {
    @Test func singleLine() {
        let reply = LMTPReply(code: 250, .recipientOK, "recipient ok")
        #expect(reply.description == "250 2.1.5 recipient ok\r\n")
    }

    @Test func multiLineUsesHyphenExceptOnTheLastLine() {
        let reply = LMTPReply(code: 250, nil, lines: ["mx.example", "PIPELINING", "SIZE 100"])
        #expect(reply.description == "250-mx.example\r\n250-PIPELINING\r\n250 SIZE 100\r\n")
    }

    @Test func enhancedCodeOnEveryLine() {
        let reply = LMTPReply(code: 214, .ok, lines: ["a", "b"])
        #expect(reply.description == "214-2.0.0 a\r\n214 2.0.0 b\r\n")
    }

    @Test(arguments: [
        ("evil\r\n250 injected", "evil  250 injected"),
        ("tab\there", "tab here"),
        ("nul\u{0}byte", "nul byte"),
        ("del\u{7F}", "del "),
        ("caf\u{E9}", "caf?"),
        ("日本", "??"),
    ])
    func sanitisesText(input: String, expected: String) {
        let reply = LMTPReply(code: 550, .badDestinationMailbox, input)
        #expect(reply.lines == [expected])
        #expect(reply.encoded().filter { $0 == 0x0A }.count == 1)
        #expect(reply.encoded().allSatisfy { $0 < 0x80 })
    }

    @Test func emptyLinesBecomeOneEmptyLine() {
        #expect(LMTPReply(code: 250, nil, lines: []).description == "250 \r\n")
    }

    @Test func codeIsClamped() {
        #expect(LMTPReply(code: 42, nil, "x").code == 200)
        #expect(LMTPReply(code: 700, nil, "x").code == 599)
    }
}
