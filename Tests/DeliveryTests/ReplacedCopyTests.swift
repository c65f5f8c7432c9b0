import MailCore
import Testing
@testable import Delivery

/// A message with an attachment, CRLF line ends.
private let withAttachment = "From: Sender <sender@example.com>\r\nTo: team@example.org\r\nSubject: Report\r\n"
    + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
    + "--XX\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n"
    + "--XX\r\nContent-Type: application/x-msdownload; name=\"run.exe\"\r\n\r\nMZ binary stuff\r\n"
    + "--XX--\r\n"

/// The bytes after the trace fields (Return-Path, Delivered-To, Received) of a stored copy.
private func afterTraceFields(_ stored: String) -> String {
    String(stored[stored.range(of: "+0000\r\n")!.upperBound...])
}

@Suite("Delivery: a recipient whose script ran replace or enclose gets its own copy (RFC 5703)")
struct ReplacedCopyTests {
    @Test("replace inside foreverypart changes one recipient's copy; the other's is the message as received")
    func replaceForOneRecipient() async throws {
        let site = try TestSite()
        try site.script("careful", """
            require ["foreverypart", "mime", "replace"];
            foreverypart {
                if header :mime :param "name" :matches "Content-Type" "*.exe" {
                    replace "The attachment was removed.";
                }
            }
            """)
        let outcomes = try await site.agent().deliver(transaction(["careful@example.org", "plain@example.org"], message: withAttachment))
        #expect(outcomes.map(\.reply.code) == [250, 250])
        let careful = site.messages("careful")
        let plain = site.messages("plain")
        try #require(careful.count == 1 && plain.count == 1)
        let changed = afterTraceFields(try site.dir.contents(careful[0]))
        #expect(changed == withAttachment.replacing(
            "Content-Type: application/x-msdownload; name=\"run.exe\"\r\n\r\nMZ binary stuff",
            with: "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\nThe attachment was removed."))
        #expect(afterTraceFields(try site.dir.contents(plain[0])) == withAttachment)
    }

    @Test("a long spooled message: the part after the first 64 KiB is found and replaced")
    func longSpooledMessage() async throws {
        let site = try TestSite()
        try site.script("careful", """
            require ["foreverypart", "mime", "replace"];
            foreverypart { if header :mime :type "Content-Type" "application" { replace "Removed."; } }
            """)
        var text = "From: Sender <sender@example.com>\r\nTo: team@example.org\r\nSubject: Long\r\n"
            + "Content-Type: multipart/mixed; boundary=L\r\n\r\n--L\r\nContent-Type: text/plain\r\n\r\n"
        for line in 0..<3000 { text += "body line \(line) with some words in it to fill\r\n" }
        text += "--L\r\nContent-Type: application/zip\r\n\r\nPK\r\n--L--\r\n"
        let writer = MessageSpoolWriter(configuration: MessageSpoolConfiguration(memoryThreshold: 16 * 1024,
                                                                                 directory: site.dir.path, lineEnding: .crlf))
        try writer.append(Array(text.utf8)[...])
        var tx = transaction(["careful@example.org", "plain@example.org"])
        tx.message = .spooled(try writer.finish())
        let outcomes = try await site.agent().deliver(tx)
        #expect(outcomes.map(\.reply.code) == [250, 250])
        let careful = afterTraceFields(try site.dir.contents(try #require(site.messages("careful").first)))
        #expect(careful == text.replacing("Content-Type: application/zip\r\n\r\nPK",
                                          with: "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\nRemoved."))
        #expect(afterTraceFields(try site.dir.contents(try #require(site.messages("plain").first))) == text)
    }

    @Test("enclose wraps one recipient's copy; the other's is the message as received")
    func encloseForOneRecipient() async throws {
        let site = try TestSite()
        try site.script("wrapped", """
            require "enclose";
            enclose :subject "Suspicious: Hello" "This message looked suspicious.";
            """)
        let outcomes = try await site.agent().deliver(transaction(["wrapped@example.org", "plain@example.org"]))
        #expect(outcomes.map(\.reply.code) == [250, 250])
        let wrapped = site.messages("wrapped")
        let plain = site.messages("plain")
        try #require(wrapped.count == 1 && plain.count == 1)
        let stored = try site.dir.contents(wrapped[0])
        let message = Message(afterTraceFields(stored))
        #expect(message.fieldValues(lowercasedName: "subject") == ["Suspicious: Hello"])
        #expect(message.mimeRoot.contentType.mimeType == "multipart/mixed")
        let parts = message.mimeRoot.children
        try #require(parts.count == 2)
        #expect(parts[0].text == "This message looked suspicious.")
        #expect(parts[1].contentType.mimeType == "message/rfc822")
        // The line break before the delimiter belongs to the delimiter (RFC 2046 §5.1.1).
        #expect(String(decoding: parts[1].rawBody, as: UTF8.self) + "\r\n" == sampleMessage)
        #expect(afterTraceFields(try site.dir.contents(plain[0])) == sampleMessage)
    }
}
