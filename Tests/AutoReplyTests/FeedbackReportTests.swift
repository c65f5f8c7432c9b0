import Foundation
import MailCore
import Sieve
import Testing

@testable import AutoReply

/// Composes a feedback report with a seeded generator and parses it back.
private func composeReport(
    type: String = "abuse", text: String = "This message is spam!", to address: String = "abuse@example.net",
    headersOnly: Bool = false, from: ReportSender = .postmaster, headers: [String] = personalHeaders,
    sender: String = "sender@example.org", originalRecipient: String? = "orig@example.com", userEmail: String? = nil
) throws -> (OutboundMessage, Message) {
    let composer = FeedbackReportComposer(hostname: "mx.example.com", from: from)
    var generator = SeededGenerator(seed: 11)
    let report = FeedbackReport(
        action: ReportAction(feedbackType: type, message: text, address: address, headersOnly: headersOnly),
        original: message(headers, body: "Klutsefluts, buy now.\r\n"), envelopeSender: sender, recipient: "user@example.com",
        originalRecipient: originalRecipient, userEmail: userEmail, sourceIP: "192.0.2.7", arrival: testNow)
    let outbound = try composer.compose(report, now: testNow, using: &generator)
    return (outbound, Message(bytes: outbound.bytes))
}

/// The `Name: value` lines of the machine-readable part.
private func reportFields(_ parsed: Message) -> [String: String] {
    let root = parsed.mimeRoot
    guard root.children.count > 1 else { return [:] }
    var fields: [String: String] = [:]
    for line in partText(root.children[1]).components(separatedBy: "\r\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return fields
}

@Suite("RFC 5965 feedback reports (vnd.dovecot.report)")
struct FeedbackReportTests {
    @Test("envelope <> to the target; Date, From (postmaster), To, Subject, Message-ID, Auto-Submitted")
    func header() throws {
        let (outbound, parsed) = try composeReport()
        #expect(outbound.envelopeSender == "")
        #expect(outbound.recipients == ["abuse@example.net"])
        #expect(headerSectionIsWellFormed(outbound.bytes))
        #expect(field(parsed, "Date") == "Tue, 14 Nov 2023 22:13:20 +0000")
        #expect(field(parsed, "From") == "postmaster@mx.example.com")
        #expect(field(parsed, "To") == "abuse@example.net")
        #expect(field(parsed, "Subject") == "Report: Lunch?")
        #expect(field(parsed, "Auto-Submitted") == "auto-generated")
        let id = try #require(field(parsed, "Message-ID"))
        #expect(id.hasPrefix("<sluice.report.") && id.hasSuffix("@mx.example.com>"))
        let (_, bare) = try composeReport(headers: ["From: a@example.org"])
        #expect(field(bare, "Subject") == "Report: (message without subject)")
    }

    @Test("multipart/report; report-type=feedback-report: text, message/feedback-report, the message")
    func structure() throws {
        let (_, parsed) = try composeReport()
        let root = parsed.mimeRoot
        #expect(root.contentType.mimeType == "multipart/report")
        #expect(root.contentType.parameters["report-type"] == "feedback-report")
        try #require(root.children.count == 3)
        #expect(root.children.map(\.contentType.mimeType) == ["text/plain", "message/feedback-report", "message/rfc822"])
        #expect(root.children[0].contentType.charset == "us-ascii")
        #expect(root.children[0].contentDisposition?.type == "inline")
        #expect(partText(root.children[0]).hasPrefix("This message is spam!"))
        #expect(root.children[2].contentDisposition?.type == "attachment")
        let original = String(decoding: root.children[2].rawBody, as: UTF8.self)
        #expect(original.hasPrefix("From: Sender <sender@example.org>\r\n"))
        #expect(original.contains("Klutsefluts, buy now."))
    }

    @Test("the machine-readable part carries the RFC 5965 fields")
    func machineReadable() throws {
        let (_, parsed) = try composeReport(type: "fraud")
        let fields = reportFields(parsed)
        #expect(fields["Feedback-Type"] == "fraud")
        #expect(fields["Version"] == "1")
        #expect(fields["User-Agent"] == "Sluice/" + SluiceVersion.current)
        #expect(fields["Original-Mail-From"] == "<sender@example.org>")
        #expect(fields["Original-Rcpt-To"] == "<orig@example.com>")
        #expect(fields["Arrival-Date"] == "Tue, 14 Nov 2023 22:13:20 +0000")
        #expect(fields["Reporting-MTA"] == "dns; mx.example.com")
        #expect(fields["Source-IP"] == "192.0.2.7")
        #expect(fields["Dovecot-Reporting-User"] == "<orig@example.com>")
        let (_, nullSender) = try composeReport(sender: "", originalRecipient: nil, userEmail: "me@example.com")
        #expect(reportFields(nullSender)["Original-Mail-From"] == "<>")
        #expect(reportFields(nullSender)["Original-Rcpt-To"] == nil)
        #expect(reportFields(nullSender)["Dovecot-Reporting-User"] == "<me@example.com>")
    }

    @Test(":headers_only attaches the header section as text/rfc822-headers, without the body")
    func headersOnly() throws {
        let (outbound, parsed) = try composeReport(headersOnly: true)
        let root = parsed.mimeRoot
        try #require(root.children.count == 3)
        #expect(root.children[2].contentType.mimeType == "text/rfc822-headers")
        #expect(String(decoding: root.children[2].rawBody, as: UTF8.self).contains("Subject: Lunch?"))
        #expect(!String(decoding: outbound.bytes, as: UTF8.self).contains("Klutsefluts"))
    }

    @Test("a non-ASCII text goes as UTF-8 and decodes back")
    func utf8Text() throws {
        let (_, parsed) = try composeReport(text: "Grüße: das ist Spam")
        let human = parsed.mimeRoot.children[0]
        #expect(human.contentType.charset == "utf-8")
        #expect(human.text?.hasPrefix("Grüße: das ist Spam") == true)
    }

    @Test("the From address follows the site's choice",
          arguments: [
              (ReportSender.postmaster, "postmaster@mx.example.com"), (.sender, "sender@example.org"),
              (.recipient, "user@example.com"), (.originalRecipient, "orig@example.com"),
              (.userEmail, "user@example.com"), (.address("desk@example.com"), "desk@example.com"),
          ])
    func from(_ choice: ReportSender, expected: String) throws {
        #expect(field(try composeReport(from: choice).1, "From") == expected)
    }

    @Test("the From setting reads Pigeonhole's values",
          arguments: [("postmaster", ReportSender.postmaster), ("sender", .sender), ("recipient", .recipient),
                      ("orig_recipient", .originalRecipient), ("user_email", .userEmail),
                      ("<frop@example.com>", .address("frop@example.com")), ("frop@example.com", nil), ("<>", nil)]
                      as [(String, ReportSender?)])
    func fromSetting(_ text: String, expected: ReportSender?) {
        #expect(ReportSender(setting: text) == expected)
    }

    @Test("a null sender as From falls back to the postmaster; a bad target is an error")
    func fallbacks() throws {
        #expect(field(try composeReport(from: .sender, sender: "").1, "From") == "postmaster@mx.example.com")
        #expect(throws: AutoReplyError.self) { try composeReport(to: "not an address") }
    }

    @Test("CR and LF in the original subject cannot inject header fields")
    func injection() throws {
        let (outbound, parsed) = try composeReport(headers: ["From: a@example.org", "Subject: hi\r\n Bcc: victim@example.net"])
        #expect(headerSectionIsWellFormed(outbound.bytes))
        #expect(field(parsed, "Bcc") == nil)
    }
}
