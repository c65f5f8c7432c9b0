import Testing
@testable import MailCore

@Suite("RFC 5322 §2.2 header section")
struct HeaderSectionTests {
    @Test("unfolds continuation lines and finds the body", arguments: ["\r\n", "\n"])
    func unfolding(lineEnd: String) {
        let text = ["Subject: hello", "\tworld", "From: a@b.example", "", "body"].joined(separator: lineEnd)
        let message = Message(text)
        #expect(message.headerFields.map(\.name) == ["Subject", "From"])
        #expect(message.fields(named: "subject").first?.value == "hello\tworld")
        #expect(Array(message.body) == Array("body".utf8))
    }
}
