import Foundation
import MailCore
import Testing

@testable import AutoReply

/// Composes a rejection notice with a seeded generator and parses it back.
func composeNotice(
    sender: String = "sender@example.org", recipient: String = "user@example.com",
    reason: String = "I do not accept mail about this.", headers: [String] = personalHeaders,
    html: RejectNoticeComposer.HTMLRenderer? = { text in Array("<html><body><p>\(text.count)</p></body></html>".utf8) }
) throws -> (OutboundMessage, Message) {
    let composer = RejectNoticeComposer(hostname: "mx.example.com", htmlRenderer: html)
    var generator = SeededGenerator(seed: 7)
    let notice = RejectNotice(envelopeSender: sender, recipient: recipient, reason: reason,
                              original: message(headers))
    let outbound = try composer.compose(notice, now: testNow, using: &generator)
    return (outbound, Message(bytes: outbound.bytes))
}

/// The body of a part as text (transfer encoding undone where MailCore knows it).
func partText(_ part: MIMEPart) -> String {
    part.text ?? String(decoding: part.rawBody, as: UTF8.self)
}

@Suite("RFC 5429 §2.2.1 rejection MDN: envelope and header")
struct RejectNoticeHeaderTests {
    @Test("envelope <> to the original sender; From, To, Subject, threading, Auto-Submitted")
    func header() throws {
        let (outbound, parsed) = try composeNotice()
        #expect(outbound.envelopeSender == "")
        #expect(outbound.recipients == ["sender@example.org"])
        #expect(headerSectionIsWellFormed(outbound.bytes))
        #expect(field(parsed, "Date") == "Tue, 14 Nov 2023 22:13:20 +0000")
        #expect(field(parsed, "From") == "user@example.com")
        #expect(field(parsed, "To") == "sender@example.org")
        #expect(field(parsed, "Subject") == "Rejected: Lunch?")
        #expect(field(parsed, "In-Reply-To") == "<m1@example.org>")
        #expect(field(parsed, "References") == "<m1@example.org>")
        #expect(field(parsed, "Auto-Submitted") == "auto-replied")
        #expect(field(parsed, "MIME-Version") == "1.0")
        let id = try #require(field(parsed, "Message-ID"))
        #expect(id.hasPrefix("<sluice.mdn.") && id.hasSuffix("@mx.example.com>"))
    }

    @Test("a non-ASCII subject is RFC 2047-encoded and decodes back; none gives 'Rejected message'")
    func subjects() throws {
        let (outbound, parsed) = try composeNotice(headers: ["From: a@example.org", "Subject: Grüße aus Köln"])
        #expect(field(parsed, "Subject") == "Rejected: Grüße aus Köln")
        #expect(outbound.bytes.allSatisfy { $0 < 0x80 } || !headerLines(outbound.bytes).joined().contains("ü"))
        #expect(headerLines(outbound.bytes).contains { $0.contains("=?utf-8?B?") })
        let (_, bare) = try composeNotice(headers: ["From: a@example.org"])
        #expect(field(bare, "Subject") == "Rejected message")
    }

    @Test("CR and LF in the original subject and message id cannot inject header fields")
    func injection() throws {
        let (outbound, parsed) = try composeNotice(headers: [
            "From: a@example.org", "Subject: hi\r\n Bcc: victim@example.net", "Message-ID: <x@y>\r\n X-Evil: 1",
        ])
        #expect(headerSectionIsWellFormed(outbound.bytes))
        #expect(parsed.fields(named: "Bcc").isEmpty)
        #expect(parsed.fields(named: "X-Evil").isEmpty)
        #expect(field(parsed, "In-Reply-To") == "<x@y>")
    }

    @Test("no notice to the null sender or to a non-address", arguments: ["", "<>", "not an address", "a@b@c"])
    func refusedSenders(_ sender: String) {
        #expect(throws: AutoReplyError.self) { try composeNotice(sender: sender) }
    }
}

@Suite("RFC 8098 §3 rejection MDN: the multipart/report")
struct RejectNoticeBodyTests {
    @Test("three parts: alternative text+HTML, message/disposition-notification, text/rfc822-headers")
    func structure() throws {
        let (_, parsed) = try composeNotice()
        let root = parsed.mimeRoot
        #expect(root.contentType.mimeType == "multipart/report")
        #expect(root.contentType.parameters["report-type"] == "disposition-notification")
        try #require(root.children.count == 3)

        let human = root.children[0]
        #expect(human.contentType.mimeType == "multipart/alternative")
        try #require(human.children.count == 2)
        #expect(human.children.map(\.contentType.mimeType) == ["text/plain", "text/html"])
        let text = partText(human.children[0])
        #expect(text.contains("Your message to <user@example.com> was rejected"))
        #expect(text.contains("I do not accept mail about this."))
        #expect(partText(human.children[1]).hasPrefix("<html>"))

        let report = root.children[1]
        #expect(report.contentType.mimeType == "message/disposition-notification")
        let fields = partText(report).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(fields == [
            "Reporting-UA: mx.example.com; Sluice",
            "Final-Recipient: rfc822; user@example.com",
            "Original-Message-ID: <m1@example.org>",
            "Disposition: automatic-action/MDN-sent-automatically; deleted",
        ])

        let headers = root.children[2]
        #expect(headers.contentType.mimeType == "text/rfc822-headers")
        let copied = partText(headers)
        #expect(copied.components(separatedBy: "\r\n").filter { !$0.isEmpty } == personalHeaders)
        #expect(!copied.contains("Hello there."), "the body of the original is not sent back")
    }

    @Test("without an HTML renderer the human-readable part is text/plain alone; no Original-Message-ID without one")
    func plainOnly() throws {
        let (_, parsed) = try composeNotice(headers: ["From: a@example.org", "Subject: x"], html: nil)
        let root = parsed.mimeRoot
        try #require(root.children.count == 3)
        #expect(root.children[0].contentType.mimeType == "text/plain")
        #expect(root.children[0].contentType.charset == "utf-8")
        #expect(!partText(root.children[1]).contains("Original-Message-ID"))
    }

    @Test("a non-ASCII reason is quoted-printable and decodes back exactly")
    func unicodeReason() throws {
        let reason = "Keine Post von Ihnen, danke.\nÜbrigens: nie wieder."
        let (_, parsed) = try composeNotice(reason: reason, html: nil)
        let text = try #require(parsed.mimeRoot.children.first)
        #expect(text.transferEncoding == .quotedPrintable)
        #expect(partText(text).contains(reason.replacingOccurrences(of: "\n", with: "\r\n")))
    }

    @Test("a reason holding a line that looks like the boundary does not break the structure")
    func boundaryLookalike() throws {
        let reason = "--=_sluice_\n--\n.\nFrom me"
        let (_, parsed) = try composeNotice(reason: reason)
        #expect(parsed.mimeRoot.children.count == 3)
        #expect(parsed.mimeRoot.children[1].contentType.mimeType == "message/disposition-notification")
    }
}
