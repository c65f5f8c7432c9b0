import Delivery
import Foundation
import MailCore
#if canImport(Glibc)
import Glibc
#endif
import SluiceServer
import SluiceConfig
import Testing

/// Talks to the server on its own thread; returns whatever the conversation collected.
func session<T: Sendable>(_ server: TestServer, _ body: @escaping @Sendable (LMTPClient) throws -> T) async throws -> T {
    let port = server.port
    return try await offPool {
        let client = try LMTPClient(port: port)
        guard try client.reply().code == 220 else { throw LMTPClient.ClientError.malformed("no 220 greeting") }
        return try body(client)
    }
}

/// One transaction: LHLO, MAIL, each RCPT, DATA and the message; returns the RCPT
/// replies and the replies after the data (one per accepted recipient).
func transaction(_ server: TestServer, from: String = "sender@remote.example", to recipients: [String],
                 message: String) async throws -> (rcpt: [LMTPClient.Reply], data: [LMTPClient.Reply]) {
    try await session(server) { client in
        _ = try client.command("LHLO client.example")
        _ = try client.command("MAIL FROM:<\(from)>")
        let rcpt = try recipients.map { try client.command("RCPT TO:<\($0)>") }
        let accepted = rcpt.filter { $0.code == 250 }.count
        guard accepted > 0 else { return (rcpt, [try client.command("DATA")]) }
        _ = try client.command("DATA")
        client.send(message + ".\r\n")
        let data = try client.replies(accepted)
        _ = try client.command("QUIT")
        return (rcpt, data)
    }
}

/// The whole server, over a real socket: LMTP in, Sieve per recipient, Maildir out.
@Suite("End to end: RFC 2033 LMTP delivery")
struct LMTPDeliveryTests {
    @Test("one message to three users: one rejects, one files with flags, one has no script")
    func threeRecipients() async throws {
        try await withTestServer { server in
            try server.writeScript("alice", "require \"reject\";\nreject text:\nI do not want this.\nReally not.\n.\n;\n")
            try server.writeScript("bob", """
                require ["fileinto", "imap4flags"];
                if header :contains "subject" "Report" {
                    fileinto :flags ["\\\\Seen", "\\\\Flagged"] "Work/Reports";
                }
                """)
            let (rcpt, replies) = try await transaction(
                server, to: ["alice@example.org", "bob@example.org", "carol@example.org"],
                message: testMessage(subject: "Quarterly Report"))
            #expect(rcpt.map(\.code) == [250, 250, 250])
            #expect(replies.map(\.code) == [550, 250, 250])
            #expect(replies.first?.lines == ["5.7.1 I do not want this.", "5.7.1 Really not."])
            #expect(replies.dropFirst().allSatisfy { $0.text.hasPrefix("2.0.0") })

            #expect(server.messages("alice").isEmpty && server.messages("alice", in: "cur").isEmpty)
            let bobFiles = server.messages("bob", folder: ".Work.Reports", in: "cur")
            #expect(bobFiles.count == 1)
            #expect(bobFiles.first?.lastPathComponent.hasSuffix(":2,FS") == true)
            #expect(server.messages("bob").isEmpty, "bob's copy was filed, not kept")
            let carolFiles = server.messages("carol")
            #expect(carolFiles.count == 1)
            let stored = try String(contentsOf: try #require(carolFiles.first), encoding: .utf8)
            #expect(stored.hasPrefix("Return-Path: <sender@remote.example>\n"))
            #expect(stored.contains("Delivered-To: carol@example.org\n"))
            #expect(stored.contains("Received: from client.example ([127.0.0.1])"), "\(stored)")
            #expect(stored.contains("for <carol@example.org>;"))
            #expect(stored.contains("Subject: Quarterly Report\n"))
        }
    }

    @Test("a whole pipelined transaction in one write gets its replies in order")
    func pipelined() async throws {
        try await withTestServer { server in
            let message = testMessage()
            let replies = try await session(server) { client in
                client.send("LHLO c.example\r\nMAIL FROM:<s@remote.example>\r\nRCPT TO:<a@example.org>\r\n"
                            + "RCPT TO:<nobody@elsewhere.example>\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<a@example.org>\r\n"
                            + "DATA\r\n" + message + ".\r\nQUIT\r\n")
                return try client.replies(10)
            }
            #expect(replies.map(\.code) == [250, 250, 250, 550, 250, 250, 354, 250, 250, 250])
            #expect(replies[3].text.hasPrefix("5.1.1"))
            // The repeated recipient gets its own reply and its own copy.
            #expect(server.messages("a").count == 2)
            #expect(server.messages("b").count == 1)
        }
    }

    @Test("messages past the spool's memory threshold: one recipient (the spool file becomes the copy) and two")
    func spooledMessages() async throws {
        try await withTestServer(configure: { configuration, root in
            configuration.spool.memoryThreshold = 1024
            configuration.spool.directory = root.path
        }) { server in
            try server.writeScript("dana", "require [\"fileinto\", \"copy\"];\nfileinto :copy \"Archive\";\n")
            let body = String(repeating: "a long line of the body, stored once\r\n", count: 5000) + "..dot-stuffed\r\n"
            let message = testMessage(subject: "Big", body: body)
            let expected = message.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n..dot", with: "\n.dot")
            let single = try await transaction(server, to: ["dana@example.org"], message: message)
            #expect(single.data.map(\.code) == [250])
            let both = try await transaction(server, to: ["erin@example.org", "finn@example.org"], message: message)
            #expect(both.data.map(\.code) == [250, 250])
            for (user, folder) in [("dana", ""), ("dana", ".Archive"), ("erin", ""), ("finn", "")] {
                let files = server.messages(user, folder: folder)
                try #require(files.count == 1, "\(user) \(folder)")
                let stored = try String(contentsOf: files[0], encoding: .utf8)
                #expect(stored.hasPrefix("Return-Path: <sender@remote.example>\nDelivered-To: \(user)@example.org\n"))
                #expect(stored.contains("for <\(user)@example.org>;"))
                #expect(stored.hasSuffix(expected), "\(user) \(folder)")
                let size = try #require(try FileManager.default.attributesOfItem(atPath: files[0].path)[.size] as? Int)
                #expect(files[0].lastPathComponent.contains(",S=\(size),"))
            }
            // One recipient: both of dana's copies are the spool file itself (one inode, two
            // names) where the file system makes linkable spool files; two recipients: copies.
            func inode(_ url: URL) throws -> Int {
                try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? Int)
            }
            let dana = try inode(try #require(server.messages("dana").first))
            let archived = try inode(try #require(server.messages("dana", folder: ".Archive").first))
            let linkable = MessageSpoolConfiguration(directory: server.root.path).makesLinkableFiles
            #expect((dana == archived) == linkable)
            #expect(try inode(try #require(server.messages("erin").first)) != inode(try #require(server.messages("finn").first)))
            // Nothing is left in the spool directory: spool files never had a name there.
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: server.root.path)
                .filter { $0.hasPrefix("sluice-spool-") }
            #expect(leftovers.isEmpty)
        }
    }

    @Test("BDAT chunks (RFC 3030) deliver the exact bytes")
    func bdat() async throws {
        try await withTestServer { server in
            let message = Array(testMessage(body: "line one\r\n.dot stays\r\n").utf8)
            let replies = try await session(server) { client in
                _ = try client.command("LHLO c.example")
                let mail = try client.command("MAIL FROM:<s@remote.example> BODY=BINARYMIME")
                let rcpt = try client.command("RCPT TO:<a@example.org>")
                let first = Array(message[..<20]), rest = Array(message[20...])
                client.send("BDAT \(first.count)\r\n")
                client.send(first)
                let chunk = try client.reply()
                client.send("BDAT \(rest.count) LAST\r\n")
                client.send(rest)
                return [mail, rcpt, chunk, try client.reply()]
            }
            #expect(replies.map(\.code) == [250, 250, 250, 250], "\(replies)")
            // BODY=BINARYMIME: stored byte for byte, CRLF and all (no line-end conversion).
            let stored = Array(try Data(contentsOf: try #require(server.messages("a").first)))
            #expect(stored.suffix(message.count) == ArraySlice(message))
            #expect(String(decoding: stored, as: UTF8.self).hasPrefix("Return-Path: <s@remote.example>\r\n"))
        }
    }

    @Test("an oversized message is refused once per recipient with 552 5.2.3; the session goes on")
    func sizeLimit() async throws {
        try await withTestServer(configure: { configuration, _ in
            configuration.session.maximumMessageSize = 2000
        }) { server in
            let big = testMessage(body: String(repeating: String(repeating: "x", count: 70) + "\r\n", count: 60))
            let replies = try await session(server) { client in
                _ = try client.command("LHLO c.example")
                let declared = try client.command("MAIL FROM:<s@remote.example> SIZE=5000")
                _ = try client.command("MAIL FROM:<s@remote.example>")
                _ = try client.command("RCPT TO:<a@example.org>")
                _ = try client.command("RCPT TO:<b@example.org>")
                _ = try client.command("DATA")
                client.send(big + ".\r\n")
                return [declared] + (try client.replies(2)) + [try client.command("NOOP")]
            }
            #expect(replies.map(\.code) == [552, 552, 552, 250])
            #expect(replies.dropLast().allSatisfy { $0.text.hasPrefix("5.2.3") })
            #expect(server.messages("a").isEmpty)
        }
    }

    @Test("over quota is 452 4.2.2 for that user only")
    func quota() async throws {
        try await withTestServer(configure: { configuration, root in
            configuration.delivery.users.table["full@example.org"] = UserEntry(
                maildirPath: root.path + "/mail/example.org/full", quota: Quota(maximumBytes: 100))
        }) { server in
            let (_, replies) = try await transaction(
                server, to: ["full@example.org", "roomy@example.org"],
                message: testMessage(body: String(repeating: "y", count: 300) + "\r\n"))
            #expect(replies.map(\.code) == [452, 250])
            #expect(replies.first?.text.hasPrefix("4.2.2") == true)
            #expect(server.messages("roomy").count == 1)
        }
    }

    @Test("a Maildir that cannot be written fails that recipient with 451 4.3.0 while others get 250")
    func unwritableMaildir() async throws {
        try await withTestServer { server in
            // A plain file where dave's Maildir should be: every write under it fails, even as root.
            let parent = server.maildir("dave").deletingLastPathComponent()
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
            try Data("not a directory".utf8).write(to: server.maildir("dave"))
            let (_, replies) = try await transaction(
                server, to: ["dave@example.org", "erin@example.org"], message: testMessage())
            #expect(replies.map(\.code) == [451, 250])
            #expect(replies.first?.text.hasPrefix("4.3.0") == true)
            #expect(server.messages("erin").count == 1)
        }
    }

    @Test("a broken script never loses mail: the copy goes to INBOX")
    func brokenScript() async throws {
        try await withTestServer { server in
            try server.writeScript("frank", "require \"fileinto\";\nif header :contains \"subject\" {\n  fileinto \"X\"\n")
            let (_, replies) = try await transaction(server, to: ["frank@example.org"], message: testMessage())
            #expect(replies.map(\.code) == [250])
            #expect(server.messages("frank").count == 1)
        }
    }

    @Test("unknown domains are refused at RCPT with 550 5.1.1; DATA without recipients is 503 5.5.1")
    func unknownUser() async throws {
        try await withTestServer { server in
            let (rcpt, data) = try await transaction(server, to: ["someone@not-served.example"], message: testMessage())
            #expect(rcpt.map(\.code) == [550])
            #expect(rcpt.first?.text.hasPrefix("5.1.1") == true)
            #expect(data.map(\.code) == [503])
            #expect(data.first?.text.hasPrefix("5.5.1") == true)
        }
    }
}

@Suite("End to end: RFC 5490 fileinto :create")
struct CreateFolderTests {
    @Test("with folder creation off, :create makes the folder; a plain fileinto to a missing one falls back to INBOX")
    func createOnlyWhenAsked() async throws {
        try await withTestServer(configure: { configuration, _ in
            configuration.delivery.storage.createMissingFolders = false
        }) { server in
            try server.writeScript("gina", "require [\"fileinto\", \"mailbox\"];\nfileinto :create \"Fresh\";\n")
            try server.writeScript("hank", "require \"fileinto\";\nfileinto \"Missing\";\n")
            let (_, replies) = try await transaction(server, to: ["gina@example.org", "hank@example.org"],
                                                     message: testMessage())
            #expect(replies.map(\.code) == [250, 250])
            #expect(server.messages("gina", folder: ".Fresh").count == 1)
            #expect(server.messages("hank").count == 1, "the copy fell back to INBOX")
            #expect(!FileManager.default.fileExists(atPath: server.maildir("hank").appendingPathComponent(".Missing").path))
        }
    }
}

@Suite("End to end: durability contract, leftovers in tmp/")
struct StaleTemporaryFileTests {
    @Test("the first delivery to a Maildir after start removes tmp/ leftovers older than 36 hours, and only those")
    func sweepsStaleFiles() async throws {
        try await withTestServer { server in
            let tmp = server.maildir("ivy").appendingPathComponent("tmp")
            try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
            let stale = tmp.appendingPathComponent("1700000000.M1P1Q1.crashed")
            let fresh = tmp.appendingPathComponent("1700000001.M1P1Q2.in-progress")
            try Data("partial".utf8).write(to: stale)
            try Data("partial".utf8).write(to: fresh)
            // Both access and modification time 40 hours ago.
            let old = time(nil) - 40 * 3600
            var times = [timeval(tv_sec: old, tv_usec: 0), timeval(tv_sec: old, tv_usec: 0)]
            #expect(utimes(stale.path, &times) == 0)

            let (_, replies) = try await transaction(server, to: ["ivy@example.org"], message: testMessage())
            #expect(replies.map(\.code) == [250])
            #expect(!FileManager.default.fileExists(atPath: stale.path))
            #expect(FileManager.default.fileExists(atPath: fresh.path))
            #expect(server.messages("ivy").count == 1)
        }
    }
}
