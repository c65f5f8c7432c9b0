import MailCore
import Testing
@testable import Delivery

@Suite("Delivery agent: one outcome per recipient (RFC 2033 §4.2)")
struct DeliveryAgentTests {
    @Test("reject, fileinto with flags, no script: three outcomes in order, files on disk")
    func threeRecipients() async throws {
        let site = try TestSite()
        try site.script("alice", "require \"reject\";\nreject text:\r\nNot wanted here.\r\nGo away.\r\n.\r\n;\r\n")
        try site.script("bob", """
            require ["fileinto", "imap4flags"];
            if header :contains "subject" "Hello" { fileinto :flags ["\\\\Seen", "\\\\Flagged"] "Lists"; }
            """)
        let outcomes = try await site.agent().deliver(transaction([
            "alice@example.org", "bob@example.org", "carol@example.org",
        ]))
        try #require(outcomes.count == 3)
        #expect(outcomes.map(\.recipient) == ["alice@example.org", "bob@example.org", "carol@example.org"])

        #expect(outcomes[0].reply.code == 550)
        #expect(outcomes[0].reply.status.description == "5.7.1")
        #expect(outcomes[0].reply.lines == ["Not wanted here.", "Go away."])
        #expect(outcomes[0].disposition == .rejected)
        #expect(site.messages("alice").isEmpty)

        #expect(outcomes[1].reply.code == 250)
        #expect(outcomes[1].disposition == .stored)
        #expect(outcomes[1].copies.map(\.mailbox) == ["Lists"])
        let bobFiles = site.messages("bob", ".Lists")
        try #require(bobFiles.count == 1)
        #expect(bobFiles[0].contains("/cur/"))
        #expect(bobFiles[0].hasSuffix(":2,FS"))
        #expect(site.messages("bob").isEmpty)

        #expect(outcomes[2].reply.code == 250)
        #expect(outcomes[2].reply.status == .ok)
        #expect(outcomes[2].reply.lines.first?.hasSuffix(" Saved") == true)
        #expect(outcomes[2].copies.map(\.mailbox) == ["INBOX"])
        let carolFiles = site.messages("carol")
        try #require(carolFiles.count == 1)
        #expect(carolFiles[0].contains("/new/"))
        #expect(outcomes[2].reply.lines.first?.hasPrefix(outcomes[2].copies[0].id) == true)

        // One log line per recipient, with the transaction id and folders.
        let lines = site.log.records.filter { $0.message == "delivery" }
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.metadata["tx"] == "TX1" })
        #expect(lines.contains { $0.metadata["rcpt"] == "bob@example.org" && $0.metadata["folders"] == "Lists" })
        #expect(lines.allSatisfy { $0.metadata["ms"] != nil && $0.metadata["outcome"] != nil })
    }

    @Test("the stored copy is the trace fields followed by the message exactly as received")
    func headersPrepended() async throws {
        let site = try TestSite()
        let outcomes = try await site.agent().deliver(transaction(["Carol+News@Example.org"]))
        #expect(outcomes.first?.reply.code == 250)
        let files = site.messages("carol")
        try #require(files.count == 1)
        let expected = "Return-Path: <sender@example.com>\r\n"
            + "Delivered-To: Carol+News@Example.org\r\n"
            + "Received: from client.example.com (client.example.com [192.0.2.10]) by mx.test\r\n"
            + "\twith LMTP id TX1 (envelope-from <sender@example.com>)\r\n"
            + "\tfor <Carol+News@Example.org>; Tue, 1 Jul 2025 10:00:00 +0000\r\n"
            + sampleMessage
        let stored = try site.dir.contents(files[0])
        #expect(stored == expected, "\(stored.debugDescription)")
    }

    @Test("every recipient gets its own trace fields, even repeated ones")
    func perRecipientCopies() async throws {
        let site = try TestSite()
        let outcomes = try await site.agent().deliver(transaction(["dan@example.org", "dan+x@example.org", "dan@example.org"]))
        #expect(outcomes.map(\.reply.code) == [250, 250, 250])
        let files = site.messages("dan")
        #expect(files.count == 3)
        var deliveredTo: [String] = []
        for file in files {
            let text = try site.dir.contents(file)
            let line = text.split(separator: "\r\n").first { $0.hasPrefix("Delivered-To: ") }
            deliveredTo.append(String(line ?? ""))
        }
        #expect(deliveredTo.sorted() == ["Delivered-To: dan+x@example.org", "Delivered-To: dan@example.org",
                                         "Delivered-To: dan@example.org"])
    }

    @Test("unknown users get 550 5.1.1 in their place in the list")
    func unknownUser() async throws {
        let site = try TestSite()
        let outcomes = try await site.agent().deliver(transaction(["x@example.org", "x@elsewhere.test", "y@example.org"]))
        #expect(outcomes.map(\.reply.code) == [250, 550, 250])
        #expect(outcomes[1].reply.status == .badDestinationMailbox)
        #expect(outcomes[1].disposition == .unknownUser)
    }

    @Test("the subaddress detail reaches Sieve's envelope test (RFC 5233)")
    func detailInEnvelope() async throws {
        let site = try TestSite()
        try site.script("erin", """
            require ["envelope", "subaddress", "fileinto"];
            if envelope :detail "to" "lists" { fileinto "Lists"; }
            """)
        let outcomes = try await site.agent().deliver(transaction(["erin+lists@example.org", "erin@example.org"]))
        #expect(outcomes.map { $0.copies.map(\.mailbox) } == [["Lists"], ["INBOX"]])
    }

    @Test("discard stores nothing and answers 250")
    func discard() async throws {
        let site = try TestSite()
        try site.script("fred", "discard;")
        let outcomes = try await site.agent().deliver(transaction(["fred@example.org"]))
        #expect(outcomes.first?.reply.code == 250)
        #expect(outcomes.first?.disposition == .discarded)
        #expect(site.messages("fred").isEmpty)
    }

    @Test("several fileinto targets are each stored; keep adds INBOX once")
    func multipleTargets() async throws {
        let site = try TestSite()
        try site.script("gina", """
            require ["fileinto"];
            fileinto "A"; fileinto "B/C"; keep; fileinto "A"; fileinto "INBOX";
            """)
        let outcomes = try await site.agent().deliver(transaction(["gina@example.org"]))
        #expect(outcomes.first?.reply.code == 250)
        #expect(outcomes.first?.copies.map(\.mailbox) == ["A", "B/C", "INBOX"])
        #expect(site.messages("gina", ".A").count == 1)
        #expect(site.messages("gina", ".B.C").count == 1)
        #expect(site.messages("gina").count == 1)
    }

    @Test("vacation needs the user addressed; without an MTA a redirect falls back to INBOX (logged)")
    func vacationAndRedirect() async throws {
        let site = try TestSite()
        try site.script("hank", """
            require ["vacation", "copy"];
            vacation :days 3 "I am away.";
            redirect :copy "other@example.net";
            """)
        try site.script("ivan", "redirect \"elsewhere@example.net\";")
        let outcomes = try await site.agent().deliver(transaction(["hank@example.org", "ivan@example.org"]))
        #expect(outcomes[0].vacation?.reason == "I am away.")
        #expect(outcomes[0].redirects == [RedirectRequest(address: "other@example.net", copy: true)])
        #expect(outcomes[0].copies.map(\.mailbox) == ["INBOX"])
        // A redirect that cannot be sent falls back to the implicit keep.
        #expect(outcomes[1].redirects == [RedirectRequest(address: "elsewhere@example.net", copy: false)])
        #expect(outcomes[1].copies.map(\.mailbox) == ["INBOX"])
        let hankLine = site.log.records.first { $0.metadata["rcpt"] == "hank@example.org" }
        #expect(hankLine?.metadata["vacation"]?.contains("handle") == true)
        #expect(hankLine?.metadata["redirect"] == "other@example.net (:copy)")
        #expect(hankLine?.metadata["vacation_status"]?.hasPrefix("not sent: none of the user's addresses") == true)
        #expect(hankLine?.metadata["redirect_status"]?.contains("<other@example.net> failed: ") == true)
        let ivanLine = site.log.records.first { $0.metadata["rcpt"] == "ivan@example.org" }
        #expect(ivanLine?.metadata["notes"]?.contains("the message is kept in INBOX instead") == true)
    }

    @Test("with redirect_failure = tempfail, a redirect that cannot be sent answers 451 4.3.0")
    func redirectTempfail() async throws {
        var site = try TestSite()
        site.configuration.outbound.redirectFailure = .tempfail
        try site.script("ivan", "redirect \"elsewhere@example.net\";")
        let outcomes = try await site.agent().deliver(transaction(["ivan@example.org"]))
        #expect(outcomes.first?.disposition == .deferred)
        #expect(outcomes.first?.reply.code == 451)
        #expect(outcomes.first?.reply.status == .temporarySystemFailure)
        #expect(site.messages("ivan").isEmpty)
    }

    @Test("a spooled message is streamed from its file and stored whole")
    func spoolFile() async throws {
        var site = try TestSite()
        site.configuration.maximumParsedMessageBytes = 64
        let body = String(repeating: "0123456789abcdef\r\n", count: 500)
        let text = "Subject: Big\r\n\r\n" + body
        let spool = try site.dir.write("spool/msg", text)
        try site.script("jack", """
            require ["fileinto"];
            if header :is "subject" "Big" { fileinto "Big"; }
            """)
        var tx = transaction(["jack@example.org"])
        tx.message = .file(path: spool)
        let outcomes = try await site.agent().deliver(tx)
        #expect(outcomes.first?.copies.map(\.mailbox) == ["Big"])
        let files = site.messages("jack", ".Big")
        try #require(files.count == 1)
        #expect(try site.dir.contents(files[0]).hasSuffix(text))
    }

    @Test("a message spooled by the LMTP server (unlinked temporary file) is stored whole")
    func spooledMessage() async throws {
        let site = try TestSite()
        let writer = MessageSpoolWriter(configuration: MessageSpoolConfiguration(memoryThreshold: 16,
                                                                                 directory: site.dir.path))
        let text = "Subject: Spooled\r\n\r\n" + String(repeating: "line of the body\r\n", count: 8000)
        try writer.append(Array(text.utf8))
        #expect(writer.isOnDisk)
        var tx = transaction(["<kit@example.org>", "lou@example.org"])
        tx.message = .spooled(try writer.finish())
        let outcomes = try await site.agent().deliver(tx)
        #expect(outcomes.map(\.reply.code) == [250, 250])
        #expect(outcomes.map(\.recipient) == ["<kit@example.org>", "lou@example.org"])
        for user in ["kit", "lou"] {
            let files = site.messages(user)
            try #require(files.count == 1)
            let stored = try site.dir.contents(files[0])
            #expect(stored.hasSuffix(text))
            #expect(stored.contains("Delivered-To: \(user)@example.org\r\n"))
        }
    }

    @Test("an unreadable spool file answers 451 for every recipient")
    func unreadableSpool() async throws {
        let site = try TestSite()
        var tx = transaction(["a@example.org", "b@example.org"])
        tx.message = .file(path: site.dir.file("spool/none"))
        let outcomes = try await site.agent().deliver(tx)
        #expect(outcomes.map(\.reply.code) == [451, 451])
        #expect(outcomes.allSatisfy { $0.reply.lines.joined().contains("cannot read the spooled message") })
    }

    @Test("no recipients, no outcomes")
    func empty() async throws {
        #expect(try await TestSite().agent().deliver(transaction([])).isEmpty)
    }
}
