import Testing
@testable import MailCore

@Suite("Editing a message's header section (RFC 5293)")
struct MessageEditingTests {
    @Test("a field added first or last; the body bytes stay", arguments: ["\r\n", "\n"])
    func adding(lineEnd: String) {
        let original = Message(["From: a@example.org", "Subject: hi", "", "body line", ""].joined(separator: lineEnd))
        let first = original.addingField(name: "X-New", value: "v")
        #expect(first.bytes == Array((["X-New: v", "From: a@example.org", "Subject: hi", "", "body line", ""])
            .joined(separator: lineEnd).utf8))
        let last = original.addingField(name: "X-New", value: "v", last: true)
        #expect(last.bytes == Array((["From: a@example.org", "Subject: hi", "X-New: v", "", "body line", ""])
            .joined(separator: lineEnd).utf8))
        #expect(Array(last.body) == Array(original.body))
        // The size counts line ends as CRLF, like Sieve's size test.
        #expect(first.size == original.size + "X-New: v\r\n".utf8.count)
    }

    @Test("removing fields keeps every other byte, folded fields included")
    func removing() {
        let original = Message("A: 1\r\nX-Gone: one\r\n\tfold\r\nB: 2\r\nX-Gone: two\r\n\r\nbody\r\n")
        let edited = original.removingFields(at: [1, 3])
        #expect(edited.bytes == Array("A: 1\r\nB: 2\r\n\r\nbody\r\n".utf8))
        #expect(edited.size == original.size - "X-Gone: one\r\n\tfold\r\nX-Gone: two\r\n".utf8.count)
        #expect(original.removingFields(at: [7]) === original)
    }

    @Test("a header-only prefix stays a prefix whose size follows the edits")
    func prefix() {
        let prefix = Message(bytes: Array("Subject: hi\r\n\r\n".utf8), size: 10_000)
        let edited = prefix.addingField(name: "X-A", value: "b", last: true).removingFields(at: [0])
        #expect(edited.bytes == Array("X-A: b\r\n\r\n".utf8))
        #expect(edited.size == 10_000 + "X-A: b\r\n".utf8.count - "Subject: hi\r\n".utf8.count)
        #expect(Array(edited.headerSection) == edited.bytes)
    }

    @Test("messages without fields, without a blank line, or ending inside the header")
    func oddShapes() {
        #expect(Message("\r\nbody").addingField(name: "X", value: "1").bytes == Array("X: 1\r\n\r\nbody".utf8))
        #expect(Message("Subject: hi").addingField(name: "X", value: "1", last: true).bytes
            == Array("Subject: hi\r\nX: 1\r\n".utf8))
        #expect(Message("").addingField(name: "X", value: "1").bytes == Array("X: 1\r\n\r\n".utf8))
        let mbox = Message("From sender Tue Jul  1 10:00:00 2025\nSubject: hi\n\nbody\n")
        #expect(mbox.addingField(name: "X", value: "1").bytes
            == Array("From sender Tue Jul  1 10:00:00 2025\nX: 1\nSubject: hi\n\nbody\n".utf8))
    }

    @Test("field names: printable ASCII except the colon", arguments: [
        ("X-Field", true), ("x_y.z!#", true), ("", false), ("X Field", false), ("X:", false), ("Sübject", false),
        ("X\tY", false),
    ])
    func fieldNames(_ name: String, _ valid: Bool) {
        #expect(HeaderFieldWriter.isValidFieldName(name) == valid)
    }

    @Test("written values read back as given", arguments: [
        "simple", "two  spaces", "  leading", "Ein unerhörter großer Test", "tab\tinside", "bell\u{07}!",
        String(repeating: "fold me ", count: 30) + "end", String(repeating: "ä", count: 80) + " tail", "=?utf-8?q?x?=",
        String(repeating: "x", count: 2000), "a " + String(repeating: "y", count: 501) + " b",
    ])
    func roundTrip(_ value: String) {
        let bytes = HeaderFieldWriter.fieldBytes(name: "X", value: value)
        #expect(bytes.allSatisfy { $0 < 0x80 })
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.split(separator: "\r\n", omittingEmptySubsequences: false).allSatisfy { $0.utf8.count <= HeaderFieldWriter.foldingWidth })
        let parsed = Message(bytes: bytes + Array("\r\n".utf8))
        let expected = String(Substring(value).drop { $0 == " " })
        #expect(parsed.headerFields.map(\.value) == [expected])
    }

    @Test("non-ASCII words become one Q-encoded word")
    func encoding() {
        let bytes = HeaderFieldWriter.fieldBytes(name: "Comment", value: "Ein unerhörter großer Test")
        #expect(String(decoding: bytes, as: UTF8.self) == "Comment: Ein =?utf-8?q?unerh=C3=B6rter_gro=C3=9Fer?= Test\r\n")
    }
}
