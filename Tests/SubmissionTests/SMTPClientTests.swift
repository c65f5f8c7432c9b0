import SMTPTestSupport
import Testing

@testable import Submission

@Suite("RFC 5321 §3.3 mail transaction")
struct MailTransactionTests {
    @Test("a message is submitted with and without PIPELINING", arguments: [true, false])
    func success(pipelining: Bool) async throws {
        try await withSink(behaviour(pipelining: pipelining)) { sink, client in
            let message = Array("From: a@example.org\r\nSubject: hi\r\n\r\nHello.\r\n".utf8)
            let receipt = try await client.submit(
                envelopeFrom: "a@example.org", recipients: ["b@example.net", "c@example.net"], message: message)
            #expect(receipt.accepted == ["b@example.net", "c@example.net"])
            #expect(receipt.refused.isEmpty)
            #expect(receipt.finalReply?.code == 250)
            #expect(receipt.finalReply?.enhancedStatus?.description == "2.0.0")

            let session = try #require(sink.sessions.first)
            #expect(sink.sessions.count == 1)
            #expect(session.commands.first == "EHLO sluice.test")
            #expect(session.commands.last == "QUIT")
            #expect(session.quitReceived)
            let transaction = try #require(session.transactions.first)
            #expect(transaction.mailFrom == "a@example.org")
            #expect(transaction.recipients == ["b@example.net", "c@example.net"])
            #expect(transaction.message == message)
        }
    }

    @Test("the null sender is sent as MAIL FROM:<>")
    func nullSender() async throws {
        try await withSink { sink, client in
            let receipt = try await client.submit(
                envelopeFrom: "", recipients: ["b@example.net"], message: Array("Subject: auto\r\n\r\nx\r\n".utf8))
            #expect(receipt.accepted == ["b@example.net"])
            let session = try #require(sink.sessions.first)
            #expect(session.commands.contains("MAIL FROM:<>"))
            #expect(session.transactions.first?.mailFrom == "")
        }
    }

    @Test("one of two recipients refused: submitted for the other, refusal reported", arguments: [true, false])
    func oneRefused(pipelining: Bool) async throws {
        var behaviour = behaviour(pipelining: pipelining)
        behaviour.recipientOverrides["gone@example.net"] = .reply(.init(550, "5.1.1 No such user"))
        try await withSink(behaviour) { sink, client in
            let receipt = try await client.submit(
                envelopeFrom: "a@example.org", recipients: ["gone@example.net", "here@example.net"],
                message: Array("Subject: x\r\n\r\ny\r\n".utf8))
            #expect(receipt.accepted == ["here@example.net"])
            let refused = try #require(receipt.refused.first)
            #expect(refused.address == "gone@example.net")
            #expect(refused.status == .refusedPermanently)
            #expect(refused.reply?.code == 550)
            #expect(refused.reply?.enhancedStatus?.description == "5.1.1")
            #expect(sink.transactions.first?.recipients == ["here@example.net"])
        }
    }

    @Test("every recipient refused: no DATA, error lists each refusal; transient if any was 4xx")
    func allRefused() async throws {
        var behaviour = SMTPSink.Behaviour()
        behaviour.recipientOverrides["a@example.net"] = .reply(.init(550, "5.1.1 unknown"))
        behaviour.recipientOverrides["b@example.net"] = .reply(.init(452, "4.2.2 over quota"))
        try await withSink(behaviour) { sink, client in
            let error = try #require(await submissionError(client, to: ["a@example.net", "b@example.net"]))
            #expect(error.stage == .rcpt)
            #expect(error.code == .allRecipientsRefused)
            #expect(error.isTransient)
            #expect(error.recipients.map(\.status) == [.refusedPermanently, .refusedTransiently])
            #expect(error.detail.contains("a@example.net") && error.detail.contains("452 4.2.2 over quota"))
            #expect(!(sink.sessions.first?.commands.contains("DATA") ?? true))
            #expect(sink.transactions.isEmpty)
        }
    }

    @Test("EHLO refused with 5xx: HELO is tried and the message still goes through")
    func heloFallback() async throws {
        try await withSink(behaviour(.ehlo, .reply(.init(502, "5.5.2 EHLO not implemented")))) { sink, client in
            let receipt = try await client.submit(
                envelopeFrom: "a@example.org", recipients: ["b@example.net"], message: Array("x\r\n".utf8))
            #expect(receipt.accepted == ["b@example.net"])
            let commands = try #require(sink.sessions.first?.commands)
            #expect(commands.prefix(2) == ["EHLO sluice.test", "HELO sluice.test"])
            // Without EHLO there is no PIPELINING: MAIL and RCPT went one at a time.
            #expect(sink.sessions.first?.batches.contains { $0.count > 1 } == false)
        }
    }
}

@Suite("RFC 2920 §3 PIPELINING")
struct PipeliningTests {
    @Test("MAIL FROM and every RCPT TO are sent in one group when offered")
    func grouped() async throws {
        try await withSink(behaviour(pipelining: true)) { sink, client in
            _ = try await client.submit(
                envelopeFrom: "a@example.org", recipients: ["b@example.net", "c@example.net"], message: Array("x".utf8))
            let batches = try #require(sink.sessions.first?.batches)
            #expect(batches.contains(["MAIL FROM:<a@example.org>", "RCPT TO:<b@example.net>", "RCPT TO:<c@example.net>"]))
        }
    }

    @Test("without PIPELINING each command waits for its reply")
    func oneByOne() async throws {
        try await withSink(behaviour(pipelining: false)) { sink, client in
            _ = try await client.submit(
                envelopeFrom: "a@example.org", recipients: ["b@example.net", "c@example.net"], message: Array("x".utf8))
            let batches = try #require(sink.sessions.first?.batches)
            #expect(batches.filter { $0.first?.hasPrefix("MAIL") == true || $0.first?.hasPrefix("RCPT") == true }
                .allSatisfy { $0.count == 1 })
        }
    }

    @Test("a refused MAIL FROM in a pipelined group fails at the mail stage, not at RCPT")
    func mailRefusedInGroup() async throws {
        try await withSink(behaviour(pipelining: true, .mail, .reply(.init(553, "5.1.8 bad sender")))) { _, client in
            let error = try #require(await submissionError(client))
            #expect(error.stage == .mail)
            #expect(error.replyCode == 553)
            #expect(!error.isTransient)
        }
    }
}

@Suite("RFC 5321 §4.2 multi-line and enhanced replies from the server")
struct ServerReplyTests {
    @Test("multi-line greeting, MAIL and final replies are read whole")
    func multiLine() async throws {
        var behaviour = SMTPSink.Behaviour()
        behaviour.overrides[.greeting] = .reply(.init(220, "sink.test ESMTP", "second line", "third line"))
        behaviour.overrides[.mail] = .reply(.init(250, "2.1.0 sender", "2.1.0 is fine"))
        behaviour.overrides[.message] = .reply(.init(250, "2.0.0 queued", "2.0.0 as ABC123"))
        try await withSink(behaviour) { _, client in
            let receipt = try await client.submit(
                envelopeFrom: "a@example.org", recipients: ["b@example.net"], message: Array("x\r\n".utf8))
            #expect(receipt.finalReply?.lines == ["2.0.0 queued", "2.0.0 as ABC123"])
            #expect(receipt.finalReply?.text == "queued as ABC123")
        }
    }

    @Test("replies trickled one octet per write are framed correctly")
    func trickled() async throws {
        var behaviour = SMTPSink.Behaviour()
        behaviour.trickleReplies = true
        try await withSink(behaviour) { sink, client in
            let receipt = try await client.submit(
                envelopeFrom: "a@example.org", recipients: ["b@example.net"], message: Array("x\r\n".utf8))
            #expect(receipt.accepted == ["b@example.net"])
            #expect(sink.transactions.count == 1)
        }
    }

    @Test("a reply that is not SMTP is a protocol violation")
    func garbage() async throws {
        try await withSink(behaviour(.greeting, .reply(.init(999, "not smtp")))) { _, client in
            let error = try #require(await submissionError(client))
            #expect(error.stage == .greeting)
            #expect(error.code == .protocolViolation)
            #expect(error.detail.contains("999"))
        }
    }
}
