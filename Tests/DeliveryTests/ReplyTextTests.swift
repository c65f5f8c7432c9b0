import MailCore
import Testing
@testable import Delivery

@Suite("RFC 5321 §4.2 reply text: sanitised lines")
struct ReplyTextTests {
    @Test("lines are split, cleaned and trimmed", arguments: [
        ("Go away", ["Go away"]),
        ("line one\r\nline two", ["line one", "line two"]),
        ("a\nb\rc", ["a", "b", "c"]),
        ("a\r\n\r\n\nb", ["a", "b"]),
        ("tab\there\u{7F}del", ["tab here del"]),
        ("café crème", ["caf? cr?me"]),
        ("cafe\u{301}", ["caf?"]),
        ("日本語", ["???"]),
        ("  padded  ", ["padded"]),
        ("", []),
        ("\r\n", []),
    ])
    func lines(text: String, expected: [String]) {
        #expect(ReplyText.lines(text) == expected)
    }

    @Test("an over-long line is cut at the limit")
    func longLine() {
        let lines = ReplyText.lines(String(repeating: "x", count: 1000))
        #expect(lines == [String(repeating: "x", count: ReplyText.maximumLineLength)])
    }

    @Test("a reply renders as multi-line SMTP text")
    func rendering() {
        let reply = DeliveryReply(code: 550, status: .deliveryNotAuthorized, text: "first\nsecond")
        #expect(reply.lines == ["first", "second"])
        #expect(reply.description == "550-5.7.1 first\r\n550 5.7.1 second")
        #expect(reply.isPermanentFailure)
        #expect(!reply.isSuccess)
        let empty = DeliveryReply(code: 250, status: .ok, lines: [])
        #expect(empty.lines == ["OK"])
    }
}
