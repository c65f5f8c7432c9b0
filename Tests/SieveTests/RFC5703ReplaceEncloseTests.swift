import MailCore
import Testing
@testable import Sieve

/// A message with a text part and an attachment, CRLF line ends.
private let attachmentMessage = Message("""
    From: Ann <ann@example.org>\r
    To: Bob <bob@example.com>\r
    Subject: Invoice\r
    Date: Mon, 7 Dec 2026 10:00:00 +0000\r
    MIME-Version: 1.0\r
    Content-Type: multipart/mixed; boundary=M\r
    \r
    --M\r
    Content-Type: text/plain\r
    \r
    Please pay.\r
    --M\r
    Content-Type: application/octet-stream; name="invoice.exe"\r
    Content-Transfer-Encoding: base64\r
    \r
    TVo=\r
    --M--\r

    """)

/// The message a run leaves, failing on runtime errors.
private func changed(_ script: String, message: Message = attachmentMessage) throws -> Message {
    let result = try run("require [\"mime\", \"foreverypart\", \"replace\", \"enclose\", \"variables\"];\n" + script, message: message)
    #expect(result.errors.isEmpty, "unexpected runtime errors: \(result.errors)")
    return try #require(result.modifiedMessage)
}

private func text(_ message: Message) -> String { String(decoding: message.bytes, as: UTF8.self) }

@Suite("RFC 5703 replace and enclose")
struct RFC5703ReplaceEncloseTests {
    @Test func replaceOutsideALoopReplacesTheBodyAndKeepsTheHeader() throws {
        let message = try changed("replace :subject \"Removed\" :from \"filter@example.org\" \"Gone.\";")
        #expect(text(message) == """
            To: Bob <bob@example.com>\r
            Date: Mon, 7 Dec 2026 10:00:00 +0000\r
            Original-Subject: Invoice\r
            Subject: Removed\r
            Original-From: Ann <ann@example.org>\r
            From: filter@example.org\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: 7bit\r
            \r
            Gone.
            """)
    }

    @Test(arguments: [
        // Non-ASCII text goes base64, so it survives any transport.
        ("replace \"Grüße\";", "Content-Transfer-Encoding: base64\r\n\r\nR3LDvMOfZQ=="),
        // :mime: the string is the entity, its fields and body.
        ("replace :mime text:\nContent-Type: text/html\n\n<p>Gone</p>\n.\n;", "MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<p>Gone</p>\r\n"),
    ])
    func replacementBodies(_ script: String, _ ending: String) throws {
        #expect(text(try changed(script)).hasSuffix(ending))
    }

    @Test func replaceInsideALoopReplacesOnlyTheCurrentPart() throws {
        let message = try changed("""
            foreverypart { if header :mime :param "name" :matches "Content-Type" "*.exe" { replace "Removed: ${0}"; } }
            """)
        #expect(text(message) == text(attachmentMessage).replacing(
            "Content-Type: application/octet-stream; name=\"invoice.exe\"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVo=",
            with: "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\nRemoved: invoice.exe"))
    }

    @Test func replaceAtTheLoopsTopPartReplacesTheWholeBodyOnce() throws {
        let message = try changed("foreverypart { replace \"All gone.\"; }")
        #expect(message.mimeRoot.contentType.mimeType == "text/plain")
        #expect(message.mimeRoot.text == "All gone.")
        #expect(message.fieldValues(lowercasedName: "subject") == ["Invoice"])
    }

    @Test func partsInsideAnEncodedEmbeddedMessageAreLeftWithAWarning() throws {
        let inner = "From: x@example.org\r\nContent-Type: text/plain\r\n\r\nInner text.\r\n"
        let encoded = String(decoding: MessageRewriting.base64(Array(inner.utf8), lineEnding: [0x0D, 0x0A]), as: UTF8.self)
        let message = Message("From: a@example.org\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                              + encoded + "\r\n")
        let result = try run("require [\"mime\", \"foreverypart\", \"replace\"];\n"
                             + "foreverypart { if header :mime \"From\" \"x@example.org\" { replace \"no\"; } }", message: message)
        #expect(result.errors.isEmpty)
        #expect(result.warnings.map(\.message) == ["replace: part 2 lies inside an encoded embedded message and cannot be replaced; "
                                                   + "the message was not changed"])
    }

    @Test func encloseWrapsTheOriginal() throws {
        let message = try changed("enclose :subject \"Quarantined\" :headers [\"From\", \"To\"] \"Held for review.\";")
        #expect(message.headerFields.map(\.name) == ["From", "To", "Date", "Subject", "MIME-Version", "Content-Type"])
        #expect(message.fieldValues(lowercasedName: "subject") == ["Quarantined"])
        let parts = message.mimeRoot.children
        try #require(parts.count == 2)
        #expect(parts[0].text == "Held for review.")
        #expect(parts[1].contentType.mimeType == "message/rfc822")
        #expect(Array(parts[1].rawBody) + [0x0D, 0x0A] == attachmentMessage.bytes)
    }

    @Test func encloseWithoutHeadersKeepsTheOriginalsFieldsAndSubject() throws {
        let message = try changed("enclose \"Note.\";")
        #expect(message.headerFields.map(\.name) == ["From", "To", "Date", "Subject", "MIME-Version", "Content-Type"])
        #expect(message.fieldValues(lowercasedName: "subject") == ["Invoice"])
    }

    @Test func laterTestsSeeTheChangedMessage() throws {
        let result = try run("""
            require ["replace", "body", "fileinto"];
            replace :subject "New" "Fresh text.";
            if header "subject" "New" { fileinto "subject"; }
            if body :text :contains "Fresh" { fileinto "body"; }
            """, message: attachmentMessage)
        #expect(result.actions == [fileinto("subject"), fileinto("body")])
    }
}
