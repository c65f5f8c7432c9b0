import Delivery
import Foundation
import MailCore
import SMTPTestSupport
import SluiceServer
import SluiceConfig
import Testing

/// A server relaying to its own SMTP sink on loopback, with its log captured.
struct OutboundSite {
    let server: TestServer
    let sink: SMTPSink
    let log: LogCapture
}

/// Starts a sink and a server relaying to it; both stop afterwards. `sinkDown` stops the
/// sink before the server starts, so the relay port has no listener.
func withOutboundSite(
    sinkDown: Bool = false,
    configure: @escaping (inout SluiceConfiguration) -> Void = { _ in },
    _ body: (OutboundSite) async throws -> Void
) async throws {
    let sink = try await SMTPSink.start()
    if sinkDown { await sink.stop() }
    let log = LogCapture()
    do {
        try await withTestServer(logger: log.logger, configure: { configuration, _ in
            configuration.delivery.outbound.relayHost = "127.0.0.1"
            configuration.delivery.outbound.relayPort = sink.port
            configuration.delivery.outbound.connectTimeout = .seconds(5)
            configuration.delivery.outbound.submissionTimeout = .seconds(20)
            configure(&configuration)
        }) { server in
            try await body(OutboundSite(server: server, sink: sink, log: log))
        }
    } catch {
        await sink.stop()
        throw error
    }
    await sink.stop()
}

/// A message from `sender@remote.example` with chosen extra header lines.
func outboundMessage(subject: String = "Lunch on Friday?", to: String = "alice@example.org",
                     extra: [String] = [], messageID: String = "<\(UUID().uuidString)@remote.example>") -> String {
    (["From: Sam Sender <sender@remote.example>", "To: \(to)", "Subject: \(subject)", "Message-ID: \(messageID)",
      "Date: Mon, 2 Nov 2026 09:00:00 +0000"] + extra).joined(separator: "\r\n")
        + "\r\n\r\nShall we meet at noon?\r\n"
}

/// The header value of `name` in a message the sink received (unfolded), or nil.
func field(_ name: String, in message: Message) -> String? {
    message.fields(named: name).first?.value
}

@Suite("End to end: RFC 5230 vacation replies through the site's MTA")
struct VacationEndToEndTests {
    static let script = """
        require ["vacation"];
        vacation :days 1 text:
        I am away until Monday.

        Urgent matters: write to <bob@example.org> & co.
        .
        ;
        """

    @Test("the reply: envelope <> to the sender, every RFC 5230 §5 / RFC 3834 header, text and HTML alternatives")
    func reply() async throws {
        try await withOutboundSite { site in
            try site.server.writeScript("alice", Self.script)
            let id = "<thread-2@remote.example>"
            let (_, replies) = try await transaction(
                site.server, to: ["alice@example.org"],
                message: outboundMessage(extra: ["References: <thread-1@remote.example>"], messageID: id))
            #expect(replies.map(\.code) == [250])
            #expect(site.server.messages("alice").count == 1, "the implicit keep still stores the message")

            let sent = site.sink.transactions
            try #require(sent.count == 1)
            #expect(sent[0].mailFrom == "")
            #expect(sent[0].recipients == ["sender@remote.example"])
            let reply = Message(bytes: sent[0].message)
            #expect(field("To", in: reply) == "\"Sam Sender\" <sender@remote.example>")
            #expect(field("From", in: reply) == "alice@example.org")
            #expect(field("Subject", in: reply) == "Auto: Lunch on Friday?")
            #expect(field("In-Reply-To", in: reply) == id)
            #expect(field("References", in: reply) == "<thread-1@remote.example> \(id)")
            #expect(field("Auto-Submitted", in: reply) == "auto-replied (vacation)")
            #expect(field("Precedence", in: reply) == "bulk")
            #expect(field("MIME-Version", in: reply) == "1.0")
            #expect(field("Message-ID", in: reply)?.hasSuffix("@mx.test.example>") == true)
            #expect(field("Date", in: reply)?.isEmpty == false)
            #expect(field("Content-Type", in: reply)?.hasPrefix("multipart/alternative;") == true)

            let text = String(decoding: sent[0].message, as: UTF8.self)
            #expect(text.contains("Content-Type: text/plain; charset=utf-8"))
            #expect(text.contains("Content-Type: text/html"))
            #expect(text.contains("I am away until Monday."))
            #expect(text.contains("&lt;bob@example.org&gt; &amp; co."), "the reason is escaped in the HTML part")
            #expect(site.log.delivery(of: "alice@example.org")?.metadata["vacation_status"]
                == "sent to <sender@remote.example>")
        }
    }

    @Test("once per sender within the period (:seconds), and again after it (RFC 5230 §4.1, RFC 6131)")
    func period() async throws {
        try await withOutboundSite(configure: { $0.delivery.scripts.sieveOptions.vacationPeriods.minimum = 1 }) { site in
            try site.server.writeScript("alice", """
                require ["vacation", "vacation-seconds"];
                vacation :seconds 4 "Back soon.";
                """)
            for _ in 0..<2 {
                let (_, replies) = try await transaction(site.server, to: ["alice@example.org"], message: outboundMessage())
                #expect(replies.map(\.code) == [250])
            }
            #expect(site.sink.transactions.count == 1, "the second message within the period gets no reply")
            #expect(site.log.delivery(of: "alice@example.org")?.metadata["vacation_status"]?
                .contains("already replied to sender@remote.example") == true)

            // Four seconds: two transactions fit in the period even on a loaded machine.
            try await Task.sleep(for: .milliseconds(4300))
            let (_, replies) = try await transaction(site.server, to: ["alice@example.org"], message: outboundMessage())
            #expect(replies.map(\.code) == [250])
            #expect(site.sink.transactions.count == 2, "after the period the sender gets a reply again")
        }
    }

    struct Silent: Sendable, CustomTestStringConvertible {
        var name: String
        var sender: String = "sender@remote.example"
        var to: String = "alice@example.org"
        var extra: [String] = []
        /// A fragment of the logged reason.
        var reason: String
        var testDescription: String { name }
    }

    static let silent: [Silent] = [
        Silent(name: "a mailing list (List-Id)", extra: ["List-Id: Friends <friends.lists.remote.example>"],
               reason: "came from a mailing list (it has a List-Id header field)"),
        Silent(name: "Auto-Submitted: auto-generated", extra: ["Auto-Submitted: auto-generated"],
               reason: "sent automatically (Auto-Submitted: auto-generated)"),
        Silent(name: "Precedence: bulk", extra: ["Precedence: bulk"], reason: "bulk mail (Precedence: bulk)"),
        Silent(name: "MAILER-DAEMON", sender: "MAILER-DAEMON@remote.example",
               reason: "the sender \"MAILER-DAEMON\" is a system address"),
        Silent(name: "the user only in Bcc of a message to another user", to: "bob@example.org",
               reason: "none of the user's addresses is in To, Cc, Bcc"),
    ]

    @Test("no reply (RFC 5230 §4.5, §4.6; RFC 3834 §2)", arguments: silent)
    func noReply(_ silent: Silent) async throws {
        try await withOutboundSite { site in
            try site.server.writeScript("alice", Self.script)
            let (_, replies) = try await transaction(
                site.server, from: silent.sender, to: ["alice@example.org"],
                message: outboundMessage(to: silent.to, extra: silent.extra))
            #expect(replies.map(\.code) == [250])
            #expect(site.server.messages("alice").count == 1)
            #expect(site.sink.transactions.isEmpty)
            let status = site.log.delivery(of: "alice@example.org")?.metadata["vacation_status"] ?? ""
            #expect(status.hasPrefix("not sent: ") && status.contains(silent.reason), "logged: \(status)")
        }
    }
}

@Suite("End to end: RFC 5228 §4.2 redirect through the site's MTA")
struct RedirectEndToEndTests {
    @Test("the message goes to the new address with the original envelope sender and the loop header")
    func redirect() async throws {
        try await withOutboundSite { site in
            try site.server.writeScript("alice", "redirect \"Carol <carol@elsewhere.example>\";")
            let message = outboundMessage()
            let (_, replies) = try await transaction(site.server, to: ["alice@example.org"], message: message)
            #expect(replies.map(\.code) == [250])
            #expect(site.server.messages("alice").isEmpty, "a redirect without :copy cancels the implicit keep")
            let sent = site.sink.transactions
            try #require(sent.count == 1)
            #expect(sent[0].mailFrom == "sender@remote.example")
            #expect(sent[0].recipients == ["carol@elsewhere.example"])
            let text = String(decoding: sent[0].message, as: UTF8.self)
            #expect(text.hasPrefix("X-Sieve-Redirected-From: <alice@example.org>\r\n"))
            #expect(text.hasSuffix(message), "the original message follows unchanged")
        }
    }

    @Test("a message that already passed this user's redirect is refused as a loop and kept in INBOX")
    func loop() async throws {
        try await withOutboundSite { site in
            try site.server.writeScript("alice", "redirect \"carol@elsewhere.example\";")
            let (_, replies) = try await transaction(
                site.server, to: ["alice@example.org"],
                message: outboundMessage(extra: ["X-Sieve-Redirected-From: <alice@example.org>"]))
            #expect(replies.map(\.code) == [250])
            #expect(site.sink.transactions.isEmpty)
            #expect(site.server.messages("alice").count == 1)
            let notes = site.log.delivery(of: "alice@example.org")?.metadata["notes"] ?? ""
            #expect(notes.contains("mail loop") && notes.contains("kept in INBOX"), "logged: \(notes)")
        }
    }

    @Test("MTA down: the delivery still succeeds, the redirect falls back to INBOX, both failures are logged")
    func sinkDown() async throws {
        try await withOutboundSite(sinkDown: true) { site in
            try site.server.writeScript("alice", """
                require ["vacation"];
                vacation "Away.";
                redirect "carol@elsewhere.example";
                """)
            let (_, replies) = try await transaction(site.server, to: ["alice@example.org"], message: outboundMessage())
            #expect(replies.map(\.code) == [250])
            #expect(site.server.messages("alice").count == 1)
            let line = try #require(site.log.delivery(of: "alice@example.org"))
            #expect(line.level == .warning)
            #expect(line.metadata["vacation_status"]?.hasPrefix("failed: submission failed at connect") == true)
            #expect(line.metadata["redirect_status"]?.hasPrefix("<carol@elsewhere.example> failed: ") == true)
            #expect(line.metadata["notes"]?.contains("the message is kept in INBOX instead") == true)
        }
    }

    @Test("MTA down with redirect_failure = \"tempfail\": 451 4.3.0 and nothing stored")
    func tempfail() async throws {
        try await withOutboundSite(sinkDown: true, configure: { $0.delivery.outbound.redirectFailure = .tempfail }) { site in
            try site.server.writeScript("alice", "redirect \"carol@elsewhere.example\";")
            let (_, replies) = try await transaction(site.server, to: ["alice@example.org"], message: outboundMessage())
            #expect(replies.map(\.code) == [451])
            #expect(replies.first?.text.hasPrefix("4.3.0 ") == true)
            #expect(site.server.messages("alice").isEmpty)
        }
    }
}

@Suite("End to end: the user's aliases, duplicate redirects, the sendmail method")
struct OutboundSettingsEndToEndTests {
    @Test("a message to one of the user's aliases gets a reply; one from an alias does not (RFC 5230 §4.5, §4.6)")
    func aliases() async throws {
        try await withOutboundSite(configure: { configuration in
            configuration.delivery.users.table["alice@example.org"] = UserEntry(aliases: ["a.liddell@example.net"])
        }) { site in
            try site.server.writeScript("alice", VacationEndToEndTests.script)
            let (_, first) = try await transaction(site.server, to: ["alice@example.org"],
                                                   message: outboundMessage(to: "Alice <A.Liddell@example.net>"))
            #expect(first.map(\.code) == [250])
            #expect(site.sink.transactions.map(\.recipients) == [["sender@remote.example"]])

            let (_, second) = try await transaction(site.server, from: "a.liddell@example.net", to: ["alice@example.org"],
                                                    message: outboundMessage())
            #expect(second.map(\.code) == [250])
            #expect(site.sink.transactions.count == 1)
            #expect(site.log.delivery(of: "alice@example.org")?.metadata["vacation_status"]?
                .contains("is one of the user's own addresses") == true)
        }
    }

    @Test("the same message redirected to the same address twice is sent once (duplicate suppression)")
    func duplicateRedirect() async throws {
        try await withOutboundSite { site in
            try site.server.writeScript("alice", "redirect \"carol@elsewhere.example\";")
            let message = outboundMessage(messageID: "<same-\(UUID().uuidString)@remote.example>")
            for _ in 0..<2 {
                let (_, replies) = try await transaction(site.server, to: ["alice@example.org"], message: message)
                #expect(replies.map(\.code) == [250])
            }
            #expect(site.sink.transactions.count == 1)
            #expect(site.server.messages("alice").isEmpty, "a suppressed duplicate is not a failure: nothing is kept")
            #expect(site.log.delivery(of: "alice@example.org")?.level == .info)
            #expect(site.log.delivery(of: "alice@example.org")?.metadata["redirect_status"]?
                .contains("not sent again: message <same-") == true)
        }
    }

    @Test("method = \"sendmail\": the command gets -f SENDER -- RECIPIENT and the message on standard input")
    func sendmail() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-sendmail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let command = folder.appendingPathComponent("fake-sendmail").path
        try Data("#!/bin/sh\nprintf '%s\\n' \"$@\" > \(folder.path)/args\ncat > \(folder.path)/message\n".utf8)
            .write(to: URL(fileURLWithPath: command))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: command)
        try await withOutboundSite(configure: { configuration in
            configuration.delivery.outbound.method = .sendmail
            configuration.delivery.outbound.sendmailCommand = [command, "-i"]
        }) { site in
            try site.server.writeScript("alice", "redirect \"carol@elsewhere.example\";")
            let (_, replies) = try await transaction(site.server, to: ["alice@example.org"], message: outboundMessage())
            #expect(replies.map(\.code) == [250])
            #expect(site.sink.transactions.isEmpty)
            let arguments = try String(contentsOf: folder.appendingPathComponent("args"), encoding: .utf8)
            #expect(arguments == "-i\n-f\nsender@remote.example\n--\ncarol@elsewhere.example\n")
            let message = try String(contentsOf: folder.appendingPathComponent("message"), encoding: .utf8)
            #expect(message.hasPrefix("X-Sieve-Redirected-From: <alice@example.org>"))
            #expect(message.contains("Subject: Lunch on Friday?"))
        }
    }
}
