import Foundation
import MailCore
import SMTPTestSupport
import Testing

/// A fresh folder with a configuration file for one `sluice deliver` run.
struct DeliverFixture {
    let root: URL
    let config: URL

    /// `extra` is appended to the configuration (e.g. a `[deliver]` section).
    init(extra: String = "") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-deliver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        config = root.appendingPathComponent("sluice.toml")
        let text = """
            hostname = "mx.test.example"
            [users]
            domains = ["example.org"]
            maildir = "\(root.path)/mail/%d/%n"
            sieve_script = "\(root.path)/sieve/%d/%n.sieve"
            [lmtp]
            spool_memory_threshold = 1024
            spool_directory = "\(root.path)"
            [vacation]
            tracking_database = "\(root.path)/tracking.sqlite"

            """ + extra
        try Data(text.utf8).write(to: config)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    func writeScript(_ user: String, _ text: String) throws {
        let dir = root.appendingPathComponent("sieve/example.org")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: dir.appendingPathComponent("\(user).sieve"))
    }

    /// The files in `new/` of a user's folder (`""` = INBOX).
    func messages(_ user: String, folder: String = "") -> [URL] {
        let dir = root.appendingPathComponent("mail/example.org/\(user)").appendingPathComponent(folder)
            .appendingPathComponent("new")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().map { dir.appendingPathComponent($0) }
    }

    /// Runs `sluice deliver --config <file> ARGS` with `input` on standard input.
    func run(_ arguments: [String], input: String) async throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = ServeCommandTests.binary
        process.arguments = ["deliver", "--config", config.path] + arguments
        process.currentDirectoryURL = root
        let stdin = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = Data(input.utf8)
        return try await offPool {
            // Write from another thread so a full pipe cannot block reading stderr.
            let writer = Thread {
                stdin.fileHandleForWriting.write(data)
                try? stdin.fileHandleForWriting.close()
            }
            writer.start()
            let errors = stderr.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: errors, as: UTF8.self))
        }
    }
}

/// A message with LF line ends, as an MTA writes it to a delivery command.
func lfMessage(subject: String = "Hello", body: String = "Hi there.\n") -> String {
    "From: Sender <sender@remote.example>\nTo: <alice@example.org>\nSubject: \(subject)\n"
        + "Message-ID: <orig.\(UUID().uuidString)@remote.example>\n\n" + body
}

/// Serialized: each test starts a `sluice` process; many at once starve the other suites
/// of this (shared) test process on a small machine.
@Suite("sluice deliver (the binary)", .serialized)
struct DeliverCommandTests {
    @Test("store: exit 0, the copy lands in the Maildir (CRLF storage: every LF became CRLF) with a Return-Path")
    func store() async throws {
        let fixture = try DeliverFixture(extra: "[storage]\nline_endings = \"crlf\"\n")
        defer { fixture.remove() }
        let result = try await fixture.run(["-f", "sender@remote.example", "alice@example.org"],
                                           input: "From sender@remote.example Mon Jan  1 00:00:00 2024\n" + lfMessage())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let stored = fixture.messages("alice")
        try #require(stored.count == 1)
        let bytes = try Data(contentsOf: stored[0])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("Return-Path: <sender@remote.example>\r\nDelivered-To: alice@example.org\r\n"))
        #expect(text.contains("\r\nSubject: Hello\r\n"))
        #expect(!text.contains("From sender@remote.example Mon"), "the mbox From_ line is dropped")
    }

    @Test("fileinto with two recipients: each copy where its script puts it, exit 0")
    func fileintoTwoRecipients() async throws {
        let fixture = try DeliverFixture()
        defer { fixture.remove() }
        try fixture.writeScript("bob", "require \"fileinto\";\nfileinto \"Filed\";\n")
        let result = try await fixture.run(["-f", "<sender@remote.example>", "alice@example.org", "<bob@example.org>"],
                                           input: lfMessage())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(fixture.messages("alice").count == 1)
        #expect(fixture.messages("bob", folder: ".Filed").count == 1)
    }

    @Test("a message past the spool's memory threshold is delivered whole")
    func largeMessage() async throws {
        let fixture = try DeliverFixture(extra: "[storage]\nline_endings = \"crlf\"\n")
        defer { fixture.remove() }
        let body = String(repeating: "0123456789 abcdefghij klmnopqrst uvwxyz\n", count: 5000)
        let result = try await fixture.run(["-f", "sender@remote.example", "alice@example.org"],
                                           input: lfMessage(body: body))
        #expect(result.status == 0, "\(result.stderr)")
        let stored = try #require(fixture.messages("alice").first)
        let text = String(decoding: try Data(contentsOf: stored), as: UTF8.self)
        #expect(text.hasSuffix(String(repeating: "0123456789 abcdefghij klmnopqrst uvwxyz\r\n", count: 5000)))
    }

    @Test("discard: exit 0, nothing stored")
    func discard() async throws {
        let fixture = try DeliverFixture()
        defer { fixture.remove() }
        try fixture.writeScript("alice", "discard;\n")
        let result = try await fixture.run(["-f", "sender@remote.example", "alice@example.org"], input: lfMessage())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(fixture.messages("alice").isEmpty)
    }

    @Test("reject (default reject_action = exit): exit 77, the reason on standard error after 5.7.1")
    func rejectExits() async throws {
        let fixture = try DeliverFixture()
        defer { fixture.remove() }
        try fixture.writeScript("alice", "require \"reject\";\nreject \"No mail from you, please.\";\n")
        let result = try await fixture.run(["-f", "sender@remote.example", "alice@example.org"], input: lfMessage())
        #expect(result.status == 77)
        #expect(result.stderr.hasPrefix("5.7.1 <alice@example.org>: No mail from you, please.\n"), "\(result.stderr)")
        #expect(fixture.messages("alice").isEmpty)
    }

    @Test("ereject with a null sender given as <>: exit 77 as well")
    func erejectExits() async throws {
        let fixture = try DeliverFixture()
        defer { fixture.remove() }
        try fixture.writeScript("alice", "require \"ereject\";\nereject \"Refused.\";\n")
        let result = try await fixture.run(["-f", "<>", "alice@example.org"], input: lfMessage())
        #expect(result.status == 77)
        #expect(result.stderr == "5.7.1 <alice@example.org>: Refused.\n")
    }

    @Test("unknown user: exit 67 with 5.1.1")
    func unknownUser() async throws {
        let fixture = try DeliverFixture()
        defer { fixture.remove() }
        let result = try await fixture.run(["-f", "sender@remote.example", "carol@elsewhere.example"], input: lfMessage())
        #expect(result.status == 67)
        #expect(result.stderr.hasPrefix("5.1.1 <carol@elsewhere.example>"), "\(result.stderr)")
    }

    @Test("mixed outcomes: a rejection outranks an unknown user, both reported, the stored copy stays")
    func mixedOutcomes() async throws {
        let fixture = try DeliverFixture()
        defer { fixture.remove() }
        try fixture.writeScript("bob", "require \"reject\";\nreject \"Go away.\";\n")
        let result = try await fixture.run(
            ["-f", "sender@remote.example", "carol@elsewhere.example", "alice@example.org", "bob@example.org"],
            input: lfMessage())
        #expect(result.status == 77)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(result.stderr)")
        #expect(lines.first == "5.7.1 <bob@example.org>: Go away.")
        #expect(lines.last?.hasPrefix("5.1.1 <carol@elsewhere.example>") == true)
        #expect(fixture.messages("alice").count == 1)
    }

    @Test("a NUL octet in the message: exit 65 with 5.6.0, nothing stored")
    func nulOctet() async throws {
        let fixture = try DeliverFixture()
        defer { fixture.remove() }
        let result = try await fixture.run(["-f", "sender@remote.example", "alice@example.org"],
                                           input: lfMessage(body: "bad \u{0} byte\n"))
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("5.6.0 "), "\(result.stderr)")
        #expect(fixture.messages("alice").isEmpty)
    }

    @Test("a configuration error: exit 78 with 4.3.5 naming the key")
    func configurationError() async throws {
        let fixture = try DeliverFixture(extra: "[deliver]\nreject_action = \"bounce\"\n")
        defer { fixture.remove() }
        let result = try await fixture.run(["alice@example.org"], input: lfMessage())
        #expect(result.status == 78)
        #expect(result.stderr.hasPrefix("4.3.5 configuration: "), "\(result.stderr)")
        #expect(result.stderr.contains("'deliver.reject_action' is \"bounce\""), "\(result.stderr)")
    }
}

@Suite("sluice deliver: reject_action = \"mdn\" (RFC 5429 §2.2.1)", .serialized)
struct DeliverRejectionNoticeTests {
    static let mdnConfig = "[deliver]\nreject_action = \"mdn\"\n"

    /// `sluice deliver` with `reject_action = "mdn"` to alice, whose script rejects with
    /// `reason`, relaying to an SMTP sink: what it printed, what the sink received, and
    /// what was stored for alice.
    static func rejectedByAlice(reason: String, sender: String, input: String = lfMessage())
        async throws -> (result: (status: Int32, stderr: String), sent: [SMTPSink.Transaction], stored: [URL])
    {
        let sink = try await SMTPSink.start()
        let fixture = try DeliverFixture(extra: mdnConfig)
        defer { fixture.remove() }
        try fixture.writeScript("alice", "require \"reject\";\nreject \"\(reason)\";\n")
        let result = try await fixture.run(["-f", sender, "--relay", "127.0.0.1:\(sink.port)", "alice@example.org"],
                                           input: input)
        let sent = sink.transactions
        await sink.stop()
        return (result, sent, fixture.messages("alice"))
    }

    @Test("a rejection sends an MDN to the envelope sender through the relay and exits 0")
    func sendsNotice() async throws {
        let (result, transactions, stored) = try await Self.rejectedByAlice(
            reason: "I do not read mail about lunch.", sender: "sender@remote.example", input: lfMessage(subject: "Lunch?"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(stored.isEmpty)
        try #require(transactions.count == 1)
        let sent = transactions[0]
        #expect(sent.mailFrom == "")
        #expect(sent.recipients == ["sender@remote.example"])

        let notice = Message(bytes: sent.message)
        #expect(notice.fields(named: "To").first?.value == "sender@remote.example")
        #expect(notice.fields(named: "From").first?.value == "alice@example.org")
        #expect(notice.fields(named: "Subject").first?.value == "Rejected: Lunch?")
        #expect(notice.fields(named: "Auto-Submitted").first?.value == "auto-replied")
        let originalID = try #require(notice.fields(named: "In-Reply-To").first?.value)
        #expect(originalID.hasPrefix("<orig."))
        let root = notice.mimeRoot
        #expect(root.contentType.mimeType == "multipart/report")
        #expect(root.contentType.parameters["report-type"] == "disposition-notification")
        try #require(root.children.count == 3)
        let human = root.children[0]
        #expect(human.contentType.mimeType == "multipart/alternative")
        #expect(human.children.map(\.contentType.mimeType) == ["text/plain", "text/html"])
        #expect(human.children.first?.text?.contains("I do not read mail about lunch.") == true)
        let html = human.children.last?.text ?? ""
        #expect(html.contains("<p>") && html.contains("I do not read mail about lunch."), "\(html)")
        let report = String(decoding: root.children[1].rawBody, as: UTF8.self)
        #expect(root.children[1].contentType.mimeType == "message/disposition-notification")
        #expect(report.contains("Reporting-UA: mx.test.example; Sluice\r\n"))
        #expect(report.contains("Final-Recipient: rfc822; alice@example.org\r\n"))
        #expect(report.contains("Original-Message-ID: \(originalID)\r\n"))
        #expect(report.contains("Disposition: automatic-action/MDN-sent-automatically; deleted"))
        #expect(root.children[2].contentType.mimeType == "text/rfc822-headers")
        #expect(String(decoding: root.children[2].rawBody, as: UTF8.self).contains("Subject: Lunch?\r\n"))
    }

    @Test("the notice carries the script's reason as written, not the reply's ASCII form")
    func nonASCIIReason() async throws {
        let (result, transactions, _) = try await Self.rejectedByAlice(
            reason: "Désolé : je ne lis pas ça. 休暇中です。", sender: "sender@remote.example")
        #expect(result.status == 0, "\(result.stderr)")
        try #require(transactions.count == 1)
        let human = Message(bytes: transactions[0].message).mimeRoot.children.first
        let text = human?.children.first?.text ?? ""
        #expect(text.contains("Désolé : je ne lis pas ça. 休暇中です。"), "\(text)")
        let html = human?.children.last?.text ?? ""
        // libxml2 writes non-ASCII in HTML as character references.
        #expect(html.contains("Désolé") || html.contains("D&eacute;sol&eacute;"), "\(html)")
        #expect(html.contains("休暇中") || html.contains("&#20241;&#26247;&#20013;"), "\(html)")
    }

    @Test("a rejection of a null-sender message sends nothing, stores nothing, exits 0")
    func nullSender() async throws {
        let (result, transactions, stored) = try await Self.rejectedByAlice(reason: "no", sender: "")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(transactions.isEmpty)
        #expect(stored.isEmpty)
    }

    @Test("relay down: the rejection falls back to exit 77 so the MTA bounces it")
    func relayDown() async throws {
        let sink = try await SMTPSink.start()
        let port = sink.port
        await sink.stop()
        let fixture = try DeliverFixture(extra: Self.mdnConfig)
        defer { fixture.remove() }
        try fixture.writeScript("alice", "require \"reject\";\nreject \"Not wanted.\";\n")
        let result = try await fixture.run(["-f", "sender@remote.example", "--relay", "127.0.0.1:\(port)",
                                            "alice@example.org"], input: lfMessage())
        #expect(result.status == 77)
        #expect(result.stderr.hasPrefix("5.7.1 <alice@example.org>: Not wanted.\n"), "\(result.stderr)")
        #expect(result.stderr.contains("rejection notice for <alice@example.org> not sent"), "\(result.stderr)")
    }
}

@Suite("sluice deliver: command line", .serialized)
struct DeliverCommandLineTests {
    @Test("no recipient is a usage error (64)")
    func noRecipient() async throws {
        let fixture = try DeliverFixture()
        defer { fixture.remove() }
        let result = try await fixture.run([], input: lfMessage())
        #expect(result.status == 64)
        #expect(result.stderr.contains("expected at least one recipient address"), "\(result.stderr)")
    }

    @Test("a bad --relay is a configuration error (78) naming the option")
    func badRelay() async throws {
        let fixture = try DeliverFixture()
        defer { fixture.remove() }
        let result = try await fixture.run(["--relay", "unix:/tmp/x", "alice@example.org"], input: lfMessage())
        #expect(result.status == 78)
        #expect(result.stderr.hasPrefix("4.3.5 configuration: --relay \"unix:/tmp/x\""), "\(result.stderr)")
        #expect(fixture.messages("alice").isEmpty)
    }

    @Test("without -f the envelope sender is the message's Return-Path")
    func returnPathSender() async throws {
        let fixture = try DeliverFixture()
        defer { fixture.remove() }
        let result = try await fixture.run(["alice@example.org"],
                                           input: "Return-Path: <bounces@lists.example>\n" + lfMessage())
        #expect(result.status == 0, "\(result.stderr)")
        let stored = try #require(fixture.messages("alice").first)
        let text = String(decoding: try Data(contentsOf: stored), as: UTF8.self)
        #expect(text.hasPrefix("Return-Path: <bounces@lists.example>\n"), "\(text.prefix(200))")
    }
}
