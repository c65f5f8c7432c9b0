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

    @Test("unfolding keeps the whitespace of every folded line", arguments: ["\r\n", "\n"])
    func multipleFolds(lineEnd: String) {
        let text = ["To: a@x,", "  b@y,", " \t c@z", "X-Empty:", "   late value", "", ""].joined(separator: lineEnd)
        let message = Message(text)
        #expect(message.fields(named: "to").first?.value == "a@x,  b@y, \t c@z")
        #expect(message.fields(named: "X-Empty").first?.value == "late value")
        #expect(message.fields(named: "X-Empty").first?.rawValue == Array("late value".utf8))
    }

    @Test("values lose leading and trailing whitespace; names keep their case")
    func trimming() {
        let message = Message("X-Spam-Flag:   YES  \t\r\nsubject :  hi \r\n\r\n")
        #expect(message.headerFields.map(\.name) == ["X-Spam-Flag", "subject"])
        #expect(message.headerFields.map(\.value) == ["YES", "hi"])
        #expect(message.fields(named: "SUBJECT").count == 1)
        #expect(message.headerFields[0].hasName("x-spam-flag"))
        #expect(!message.headerFields[0].hasName("x-spam"))
    }

    @Test("repeated fields stay in order")
    func order() {
        let message = Message("Received: one\nReceived: two\nX: y\nReceived: three\n\n")
        #expect(message.fields(named: "received").map(\.value) == ["one", "two", "three"])
    }

    @Test("body offset and header-only messages")
    func bodyOffset() {
        #expect(Message("A: b\r\n\r\nxyz").bodyOffset == 8)
        let headerOnly = Message("A: b\r\nC: d\r\n")
        #expect(headerOnly.bodyOffset == headerOnly.bytes.count)
        #expect(headerOnly.body.isEmpty)
        let empty = Message(bytes: [])
        #expect(empty.headerFields.isEmpty && empty.body.isEmpty)
        let bodyOnly = Message("\r\nonly body")
        #expect(bodyOnly.headerFields.isEmpty)
        #expect(Array(bodyOnly.body) == Array("only body".utf8))
    }

    @Test("a line that is not a field ends the header section there")
    func lineWithoutColon() {
        let message = Message("Subject: x\nthis is body text\nMore: text\n")
        #expect(message.headerFields.map(\.name) == ["Subject"])
        #expect(Array(message.body) == Array("this is body text\nMore: text\n".utf8))
        let spaced = Message("Subject: x\nnot a name: value\n\n")
        #expect(spaced.headerFields.count == 1)
        #expect(Array(spaced.body).starts(with: Array("not a name".utf8)))
    }

    @Test("whitespace before the colon is accepted (RFC 5322 §4.5)")
    func obsoleteColon() {
        let message = Message("Subject \t: spaced\n\n")
        #expect(message.headerFields.first?.name == "Subject")
        #expect(message.headerFields.first?.value == "spaced")
    }

    @Test("a continuation line before any field is skipped")
    func leadingContinuation() {
        let message = Message("  stray\nSubject: ok\n\nbody")
        #expect(message.headerFields.map(\.name) == ["Subject"])
        #expect(Array(message.body) == Array("body".utf8))
    }

    @Test("an mbox From_ line at the start is skipped")
    func mboxSeparator() {
        let message = Message("From sender@example.com Mon Jan  1 00:00:00 2024\nSubject: s\n\nb")
        #expect(message.headerFields.map(\.name) == ["Subject"])
    }

    @Test("8-bit bytes: valid UTF-8 as UTF-8, anything else as ISO-8859-1")
    func eightBit() {
        let utf8 = Message(bytes: Array("Subject: Grüße\n\n".utf8))
        #expect(utf8.headerFields.first?.value == "Grüße")
        var latin1 = Array("Subject: Gr".utf8)
        latin1 += [0xFC, 0xDF, 0x65]
        latin1 += Array("\n\n".utf8)
        let message = Message(bytes: latin1)
        #expect(message.headerFields.first?.value == "Grüße")
        #expect(message.headerFields.first?.rawValue == [0x47, 0x72, 0xFC, 0xDF, 0x65])
    }

    @Test("a 1 MB header line is parsed without trouble")
    func hugeLine() {
        let long = String(repeating: "a", count: 1 << 20)
        let message = Message("X-Long: \(long)\nSubject: after\n\nbody")
        #expect(message.headerFields.count == 2)
        #expect(message.headerFields[0].value.utf8.count == 1 << 20)
        #expect(message.fields(named: "subject").first?.value == "after")
    }
}

@Suite("RFC 5228 §5.9 size")
struct SizeTests {
    @Test(
        "counts bare LF as CRLF",
        arguments: [
            ("A: b\r\n\r\nbody\r\n", 14),
            ("A: b\n\nbody\n", 14),
            ("A: b\r\n\nbody\n", 14),
            ("", 0),
            ("no newline", 10),
            ("\r\r\n", 3),
        ])
    func size(text: String, expected: Int) {
        #expect(Message(text).size == expected)
    }
}
