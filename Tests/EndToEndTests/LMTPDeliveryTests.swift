import Foundation
import SluiceServer
import Testing

/// The whole server, over a real socket: LMTP in, Sieve per recipient, Maildir out.
@Suite("End to end: RFC 2033 LMTP delivery")
struct LMTPDeliveryTests {
    @Test("one message to three users: one rejects, one files with flags, one has no script")
    func threeRecipients() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        try server.writeScript("alice", "require \"reject\";\nreject \"I do not want this.\\nReally not.\";\n")
        try server.writeScript("bob", """
            require ["fileinto", "imap4flags"];
            if header :contains "subject" "Report" {
                fileinto :flags ["\\\\Seen", "\\\\Flagged"] "Work/Reports";
            }
            """)
        let client = try LMTPClient(port: server.port)
        #expect(try client.reply().code == 220)
        let lhlo = try client.command("LHLO client.example")
        #expect(lhlo.code == 250)
        #expect(lhlo.lines.contains("PIPELINING"))
        #expect(try client.command("MAIL FROM:<sender@remote.example>").code == 250)
        for user in ["alice", "bob", "carol"] {
            #expect(try client.command("RCPT TO:<\(user)@example.org>").code == 250)
        }
        #expect(try client.command("DATA").code == 354)
        client.send(testMessage(subject: "Quarterly Report") + ".\r\n")
        let replies = try client.replies(3)
        #expect(replies.map(\.code) == [550, 250, 250])
        #expect(replies[0].lines == ["5.7.1 I do not want this.", "5.7.1 Really not."])
        #expect(replies[1].text.hasPrefix("2.0.0"))
        #expect(try client.command("QUIT").code == 221)

        #expect(server.messages("alice").isEmpty)
        #expect(server.messages("alice", in: "cur").isEmpty)
        let bobFiles = server.messages("bob", folder: ".Work.Reports", in: "cur")
        #expect(bobFiles.count == 1)
        #expect(bobFiles.first?.lastPathComponent.hasSuffix(":2,FS") == true)
        #expect(server.messages("bob").isEmpty, "bob's copy was filed, not kept")
        let carolFiles = server.messages("carol")
        #expect(carolFiles.count == 1)
        let stored = try String(contentsOf: try #require(carolFiles.first), encoding: .utf8)
        #expect(stored.hasPrefix("Return-Path: <sender@remote.example>\n"))
        #expect(stored.contains("Delivered-To: carol@example.org\n"))
        #expect(stored.contains("Received: from client.example"))
        #expect(stored.contains("for <carol@example.org>;"))
        #expect(stored.contains("Subject: Quarterly Report\n"))
    }

    @Test("a whole pipelined transaction in one write gets its replies in order")
    func pipelined() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let client = try LMTPClient(port: server.port)
        _ = try client.reply()
        let message = testMessage()
        client.send("LHLO c.example\r\nMAIL FROM:<s@remote.example>\r\nRCPT TO:<a@example.org>\r\n"
                    + "RCPT TO:<nobody@elsewhere.example>\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<a@example.org>\r\n"
                    + "DATA\r\n" + message + ".\r\nQUIT\r\n")
        let replies = try client.replies(11)
        #expect(replies.map(\.code) == [250, 250, 250, 550, 250, 250, 354, 250, 250, 250, 221])
        #expect(replies[3].text.hasPrefix("5.1.1"))
        // The repeated recipient gets its own reply and its own copy.
        #expect(server.messages("a").count == 2)
        #expect(server.messages("b").count == 1)
    }

    @Test("BDAT chunks (RFC 3030) deliver the exact bytes")
    func bdat() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let client = try LMTPClient(port: server.port)
        _ = try client.reply()
        _ = try client.command("LHLO c.example")
        #expect(try client.command("MAIL FROM:<s@remote.example> BODY=BINARYMIME").code == 250)
        #expect(try client.command("RCPT TO:<a@example.org>").code == 250)
        let message = Array(testMessage(body: "line one\r\n.dot stays\r\n").utf8)
        let first = Array(message[..<20]), rest = Array(message[20...])
        client.send("BDAT \(first.count)\r\n")
        client.send(first)
        #expect(try client.reply().code == 250)
        client.send("BDAT \(rest.count) LAST\r\n")
        client.send(rest)
        let reply = try client.reply()
        #expect(reply.code == 250, "\(reply)")
        let stored = try String(contentsOf: try #require(server.messages("a").first), encoding: .utf8)
        #expect(stored.contains("\n.dot stays\n"))
    }

    @Test("an oversized message is refused once per recipient with 552 5.2.3")
    func sizeLimit() async throws {
        let server = try await TestServer.start { configuration, _ in
            configuration.session.maximumMessageSize = 2000
        }
        defer { Task { await server.stop() } }
        let client = try LMTPClient(port: server.port)
        _ = try client.reply()
        _ = try client.command("LHLO c.example")
        #expect(try client.command("MAIL FROM:<s@remote.example> SIZE=5000").code == 552)
        #expect(try client.command("MAIL FROM:<s@remote.example>").code == 250)
        _ = try client.command("RCPT TO:<a@example.org>")
        _ = try client.command("RCPT TO:<b@example.org>")
        #expect(try client.command("DATA").code == 354)
        client.send(testMessage(body: String(repeating: "x", count: 70) + "\r\n", count: 60) + ".\r\n")
        let replies = try client.replies(2)
        #expect(replies.map(\.code) == [552, 552])
        #expect(replies.allSatisfy { $0.text.hasPrefix("5.2.3") })
        #expect(server.messages("a").isEmpty)
        // The session goes on.
        #expect(try client.command("NOOP").code == 250)
    }

    @Test("over quota is 452 4.2.2 for that user only")
    func quota() async throws {
        let server = try await TestServer.start { configuration, root in
            var entry = UserEntryBuilder.entry(quotaBytes: 100)
            entry.maildirPath = root.path + "/mail/example.org/full"
            configuration.delivery.users.table["full@example.org"] = entry
        }
        defer { Task { await server.stop() } }
        let client = try LMTPClient(port: server.port)
        _ = try client.reply()
        _ = try client.command("LHLO c.example")
        _ = try client.command("MAIL FROM:<s@remote.example>")
        _ = try client.command("RCPT TO:<full@example.org>")
        _ = try client.command("RCPT TO:<roomy@example.org>")
        _ = try client.command("DATA")
        client.send(testMessage(body: String(repeating: "y", count: 300) + "\r\n") + ".\r\n")
        let replies = try client.replies(2)
        #expect(replies.map(\.code) == [452, 250])
        #expect(replies[0].text.hasPrefix("4.2.2"))
        #expect(server.messages("roomy").count == 1)
    }

    @Test("a Maildir that cannot be written fails that recipient with 451 4.3.0 while others get 250")
    func unwritableMaildir() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        // A plain file where dave's Maildir should be: every write under it fails (even as root).
        let daveParent = server.maildir("dave").deletingLastPathComponent()
        try FileManager.default.createDirectory(at: daveParent, withIntermediateDirectories: true)
        try Data("not a directory".utf8).write(to: server.maildir("dave"))
        let client = try LMTPClient(port: server.port)
        _ = try client.reply()
        _ = try client.command("LHLO c.example")
        _ = try client.command("MAIL FROM:<s@remote.example>")
        _ = try client.command("RCPT TO:<dave@example.org>")
        _ = try client.command("RCPT TO:<erin@example.org>")
        _ = try client.command("DATA")
        client.send(testMessage() + ".\r\n")
        let replies = try client.replies(2)
        #expect(replies.map(\.code) == [451, 250])
        #expect(replies[0].text.hasPrefix("4.3.0"))
        #expect(server.messages("erin").count == 1)
    }

    @Test("a broken script never loses mail: the copy goes to INBOX")
    func brokenScript() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        try server.writeScript("frank", "require \"fileinto\";\nif header :contains \"subject\" {\n  fileinto \"X\"\n")
        let client = try LMTPClient(port: server.port)
        _ = try client.reply()
        _ = try client.command("LHLO c.example")
        _ = try client.command("MAIL FROM:<s@remote.example>")
        _ = try client.command("RCPT TO:<frank@example.org>")
        _ = try client.command("DATA")
        client.send(testMessage() + ".\r\n")
        #expect(try client.reply().code == 250)
        #expect(server.messages("frank").count == 1)
    }

    @Test("unknown domains are refused at RCPT with 550 5.1.1; DATA without recipients is 503")
    func unknownUser() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let client = try LMTPClient(port: server.port)
        _ = try client.reply()
        _ = try client.command("LHLO c.example")
        _ = try client.command("MAIL FROM:<s@remote.example>")
        let rcpt = try client.command("RCPT TO:<someone@not-served.example>")
        #expect(rcpt.code == 550)
        #expect(rcpt.text.hasPrefix("5.1.1"))
        let data = try client.command("DATA")
        #expect(data.code == 503)
        #expect(data.text.hasPrefix("5.5.1"))
    }
}

extension String {
    init(_ line: String, count: Int) {
        self = String(repeating: line, count: count)
    }
}

func testMessage(body line: String, count: Int) -> String {
    testMessage(body: String(line, count: count))
}
