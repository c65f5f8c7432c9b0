import Foundation
import MailCore
import Testing
@testable import Delivery

/// A message to `user@example.org` with extra header lines, from `sender@example.com`.
private func message(to user: String, extra: [String] = []) -> String {
    (["From: Sender <sender@example.com>", "To: \(user)@example.org", "Subject: Hello"] + extra)
        .joined(separator: "\r\n") + "\r\nMessage-ID: <\(UUID().uuidString)@example.com>\r\n\r\nBody.\r\n"
}

@Suite("Delivery: RFC 5435 notify through the outbound path, RFC 8580 :fcc copies")
struct NotifyDeliveryTests {
    static let script = """
        require ["enotify", "fcc", "vacation"];
        notify :fcc "Notes" :message "New mail" "mailto:me@phone.example?cc=boss@example.net";
        """

    @Test("the notification goes out once, auto-notified, and its copy lands in the :fcc folder")
    func sent() async throws {
        let site = try TestSite()
        try site.script("max", Self.script)
        let submitter = RecordingSubmitter()
        let outcomes = try await site.agent(submitter: submitter).deliver(transaction(["max@example.org"], message: message(to: "max")))
        #expect(outcomes.first?.reply.code == 250)
        #expect(site.messages("max").count == 1, "the implicit keep stays")
        try #require(submitter.submitted.count == 1)
        let sent = submitter.submitted[0]
        #expect(sent.recipients == ["me@phone.example", "boss@example.net"])
        #expect(sent.from == "max@example.org", "the envelope sender is the user's address (RFC 5436 §2.7)")
        let mail = Message(bytes: Array(sent.message.utf8))
        #expect(mail.fields(named: "Auto-Submitted").first?.value == "auto-notified; owner-email=\"max@example.org\"")
        #expect(mail.fields(named: "Subject").first?.value == "New mail")
        #expect(mail.fields(named: "To").first?.value == "me@phone.example")
        #expect(mail.fields(named: "Cc").first?.value == "boss@example.net")
        let copies = site.messages("max", ".Notes")
        try #require(copies.count == 1, "the :fcc copy is stored")
        #expect(try site.dir.contents(copies[0]).contains("Subject: New mail"))
        #expect(outcomes.first?.notificationResults.first?.contains("sent to <me@phone.example>, <boss@example.net>; copy stored in \"Notes\"") == true,
                "\(outcomes.first?.notificationResults ?? [])")
    }

    @Test("nothing is sent, and nothing stored by :fcc, for a list, a robot or an auto-notification", arguments: [
        ["List-Id: <friends.example.com>"], ["Auto-Submitted: auto-notified"], ["Precedence: bulk"],
    ])
    func suppressed(_ extra: [String]) async throws {
        let site = try TestSite()
        try site.script("max", Self.script)
        let submitter = RecordingSubmitter()
        let outcomes = try await site.agent(submitter: submitter)
            .deliver(transaction(["max@example.org"], message: message(to: "max", extra: extra)))
        #expect(outcomes.first?.reply.code == 250)
        #expect(submitter.submitted.isEmpty)
        #expect(site.messages("max", ".Notes").isEmpty)
        #expect(outcomes.first?.notificationResults.first?.contains("not sent: ") == true)
    }

    @Test("a notification triggered by a null sender goes out with a null sender (RFC 5436 §2.7)")
    func nullSender() async throws {
        let site = try TestSite()
        try site.script("max", Self.script)
        let submitter = RecordingSubmitter()
        _ = try await site.agent(submitter: submitter)
            .deliver(transaction(["max@example.org"], message: message(to: "max"), sender: ""))
        try #require(submitter.submitted.count == 1)
        #expect(submitter.submitted[0].from == "")
    }

    @Test("[outbound] notify_envelope_sender chooses the envelope sender", arguments: [
        ("from", "max@example.org"), ("sender", "sender@example.com"), ("recipient", "max@example.org"),
        ("bounces@example.org", "bounces@example.org"),
    ])
    func envelopeSenderSetting(_ setting: String, _ expected: String) async throws {
        var site = try TestSite()
        site.configuration.outbound.notifyEnvelopeSender = try #require(OutboundConfiguration.notifyEnvelopeSender(setting: setting))
        try site.script("max", Self.script)
        let submitter = RecordingSubmitter()
        _ = try await site.agent(submitter: submitter).deliver(transaction(["max@example.org"], message: message(to: "max")))
        try #require(submitter.submitted.count == 1)
        #expect(submitter.submitted[0].from == expected)
        #expect(OutboundConfiguration.notifyEnvelopeSender(setting: "not an address") == nil)
    }

    @Test("vacation :fcc stores the reply that went out; a suppressed reply stores nothing")
    func vacationFcc() async throws {
        let site = try TestSite()
        try site.script("max", "require [\"vacation\", \"fcc\", \"imap4flags\"];\nvacation :fcc \"Sent\" :flags \"\\\\Seen\" \"Away.\";")
        let submitter = RecordingSubmitter()
        let agent = try site.agent(submitter: submitter)
        _ = await agent.deliver(transaction(["max@example.org"], message: message(to: "max")))
        try #require(submitter.submitted.count == 1)
        let copies = site.messages("max", ".Sent")
        try #require(copies.count == 1)
        #expect(copies[0].hasSuffix(":2,S"), "stored with \\Seen: \(copies[0])")
        #expect(try site.dir.contents(copies[0]).contains("Auto-Submitted: auto-replied"))
        _ = await agent.deliver(transaction(["max@example.org"], id: "TX2", message: message(to: "max")))
        #expect(submitter.submitted.count == 1, "the second message is within the period")
        #expect(site.messages("max", ".Sent").count == 1, "no copy for a reply that was not sent")
    }

    @Test("a relay that refuses the notification stores no :fcc copy and still delivers the message")
    func relayDown() async throws {
        let site = try TestSite()
        try site.script("max", Self.script)
        let submitter = RecordingSubmitter()
        submitter.setFailing(true)
        let outcomes = try await site.agent(submitter: submitter).deliver(transaction(["max@example.org"], message: message(to: "max")))
        #expect(outcomes.first?.reply.code == 250)
        #expect(site.messages("max").count == 1)
        #expect(site.messages("max", ".Notes").isEmpty)
        #expect(outcomes.first?.notificationResults.first?.contains("failed: ") == true)
    }
}
