import Foundation
import MailCore
import Testing

@Suite("End to end: RFC 5435 notify and RFC 8580 :fcc through the site's MTA")
struct NotifyEndToEndTests {
    static let script = """
        require ["enotify", "vacation", "fcc", "imap4flags", "variables"];
        if header :matches "Subject" "*" { set "s" "${1}"; }
        notify :fcc "Notifications" :importance "1" :message "Mail: ${s}" "mailto:pager@phone.example";
        vacation :days 1 :fcc "Sent" :flags "\\\\Seen" "I am away until Monday.";
        """

    @Test("a notification and a vacation reply land at the SMTP sink, and their :fcc copies in the named folders")
    func notificationAndReply() async throws {
        try await withOutboundSite { site in
            try site.server.writeScript("alice", Self.script)
            let (_, replies) = try await transaction(site.server, to: ["alice@example.org"], message: outboundMessage())
            #expect(replies.map(\.code) == [250])
            #expect(site.server.messages("alice").count == 1, "the implicit keep stores the message")

            let sent = site.sink.transactions
            try #require(sent.count == 2, "one notification, one vacation reply")
            let notification = try #require(sent.first { $0.recipients == ["pager@phone.example"] })
            #expect(notification.mailFrom == "alice@example.org")
            let note = Message(bytes: notification.message)
            #expect(field("Subject", in: note) == "Mail: Lunch on Friday?")
            #expect(field("Auto-Submitted", in: note) == "auto-notified; owner-email=\"alice@example.org\"")
            #expect(field("Importance", in: note) == "High")
            let reply = try #require(sent.first { $0.recipients == ["sender@remote.example"] })
            #expect(reply.mailFrom == "")

            let notes = site.server.messages("alice", folder: ".Notifications")
            try #require(notes.count == 1)
            #expect(String(decoding: try Data(contentsOf: notes[0]), as: UTF8.self).contains("Subject: Mail: Lunch on Friday?"))
            let copies = site.server.messages("alice", folder: ".Sent", in: "cur")
            try #require(copies.count == 1, "\\Seen puts the reply's copy in cur/")
            #expect(String(decoding: try Data(contentsOf: copies[0]), as: UTF8.self).contains("I am away until Monday."))
            let status = site.log.delivery(of: "alice@example.org")?.metadata["notify_status"] ?? ""
            #expect(status.contains("sent to <pager@phone.example>; copy stored in \"Notifications\""), "logged: \(status)")
        }
    }

    @Test("no notification and no reply for a list message or a robot's, and no :fcc copies", arguments: [
        ("sender@remote.example", ["List-Id: Friends <friends.lists.remote.example>"]),
        ("sender@remote.example", ["Auto-Submitted: auto-generated"]),
        ("MAILER-DAEMON@remote.example", []),
    ])
    func silent(_ sender: String, _ extra: [String]) async throws {
        try await withOutboundSite { site in
            try site.server.writeScript("alice", Self.script)
            let (_, replies) = try await transaction(site.server, from: sender, to: ["alice@example.org"],
                                                     message: outboundMessage(extra: extra))
            #expect(replies.map(\.code) == [250])
            #expect(site.server.messages("alice").count == 1)
            #expect(site.sink.transactions.isEmpty)
            #expect(site.server.messages("alice", folder: ".Notifications").isEmpty)
            #expect(site.server.messages("alice", folder: ".Sent", in: "cur").isEmpty)
            let status = site.log.delivery(of: "alice@example.org")?.metadata["notify_status"] ?? ""
            #expect(status.contains("not sent: "), "logged: \(status)")
        }
    }
}
