import MailCore
import SMTPTestSupport
import Testing

@testable import Submission

/// A failure reply at one stage and the error the client must report.
struct StageFailure: CustomTestStringConvertible, Sendable {
    var stage: SMTPSink.Stage
    var reply: SMTPSink.Reply
    var expectedStage: SubmissionError.Stage
    var expectedCode: SubmissionError.Code
    var transient: Bool
    var testDescription: String { "\(reply.code) at \(stage)" }
}

@Suite("RFC 5321 §4.2.1 failure replies at each stage")
struct StageFailureTests {
    static let failures: [StageFailure] = [
        .init(stage: .greeting, reply: .init(421, "4.3.2 busy"), expectedStage: .greeting, expectedCode: .rejected, transient: true),
        .init(stage: .greeting, reply: .init(554, "5.3.2 no service"), expectedStage: .greeting, expectedCode: .rejected, transient: false),
        .init(stage: .ehlo, reply: .init(421, "4.3.2 closing"), expectedStage: .ehlo, expectedCode: .rejected, transient: true),
        .init(stage: .helo, reply: .init(550, "5.7.1 go away"), expectedStage: .ehlo, expectedCode: .rejected, transient: false),
        .init(stage: .mail, reply: .init(451, "4.3.0 try later"), expectedStage: .mail, expectedCode: .rejected, transient: true),
        .init(stage: .mail, reply: .init(550, "5.7.1 sender denied"), expectedStage: .mail, expectedCode: .rejected, transient: false),
        .init(stage: .rcpt, reply: .init(450, "4.2.1 mailbox busy"), expectedStage: .rcpt, expectedCode: .allRecipientsRefused, transient: true),
        .init(stage: .rcpt, reply: .init(550, "5.1.1 unknown"), expectedStage: .rcpt, expectedCode: .allRecipientsRefused, transient: false),
        .init(stage: .data, reply: .init(451, "4.3.0 no data now"), expectedStage: .data, expectedCode: .rejected, transient: true),
        .init(stage: .data, reply: .init(554, "5.5.0 no data ever"), expectedStage: .data, expectedCode: .rejected, transient: false),
        .init(stage: .message, reply: .init(452, "4.3.1 queue full"), expectedStage: .message, expectedCode: .rejected, transient: true),
        .init(stage: .message, reply: .init(554, "5.6.0 content refused"), expectedStage: .message, expectedCode: .rejected, transient: false),
    ]

    @Test("error stage, code, reply and transient flag", arguments: failures, [true, false])
    func failure(_ failure: StageFailure, pipelining: Bool) async throws {
        var behaviour = behaviour(pipelining: pipelining, failure.stage, .reply(failure.reply))
        if failure.stage == .helo { behaviour.overrides[.ehlo] = .reply(.init(500, "5.5.1 what")) }
        try await withSink(behaviour) { sink, client in
            let error = try #require(await submissionError(client))
            #expect(error.stage == failure.expectedStage)
            #expect(error.code == failure.expectedCode)
            #expect(error.isTransient == failure.transient)
            #expect(error.replyCode == failure.reply.code)
            #expect(error.reply?.lines == failure.reply.lines)
            #expect(error.detail.contains("\(failure.reply.code)"))
            #expect(sink.transactions.isEmpty)
        }
    }

    @Test("a 354 is required after DATA; a stray 250 is not taken as permission to send")
    func dataWithout354() async throws {
        try await withSink(behaviour(.data, .reply(.init(250, "2.0.0 what?")))) { sink, client in
            let error = try #require(await submissionError(client))
            #expect(error.stage == .data)
            #expect(error.replyCode == 250)
            #expect(error.isTransient)
            #expect(sink.transactions.isEmpty)
        }
    }

    @Test("errors after RCPT carry the recipients' outcomes")
    func outcomesInError() async throws {
        try await withSink(behaviour(.message, .reply(.init(554, "5.6.0 no")))) { _, client in
            let error = try #require(await submissionError(client, to: ["x@example.net"]))
            #expect(error.recipients == [
                RecipientOutcome(address: "x@example.net", status: .accepted, reply: SMTPReply(
                    code: 250, enhancedStatus: EnhancedStatusCode("2.1.5"), lines: ["2.1.5 Ok"]))
            ])
        }
    }
}

@Suite("RFC 5321 §4.5.3.2 timeouts and lost connections")
struct ConnectionFailureTests {
    @Test("no greeting: the reply timeout ends the attempt as a transient timeout")
    func greetingTimeout() async throws {
        try await withSink(behaviour(.greeting, .stall), replyTimeout: .milliseconds(300)) { _, client in
            let start = ContinuousClock.now
            let error = try #require(await submissionError(client))
            #expect(error.stage == .greeting)
            #expect(error.code == .timeout)
            #expect(error.isTransient)
            #expect(ContinuousClock.now - start < promptly)
        }
    }

    @Test("a stalled RCPT reply times out at the rcpt stage")
    func rcptTimeout() async throws {
        // With a short reply timeout, a starved test process can also miss an earlier reply; such
        // a run proves nothing about RCPT, so the scenario is repeated until one reaches RCPT.
        var reachedRecipientStage = false
        for _ in 0..<5 where !reachedRecipientStage {
            try await withSink(behaviour(pipelining: false, .rcpt, .stall), replyTimeout: .seconds(1)) { sink, client in
                let error = try #require(await submissionError(client))
                #expect(error.code == .timeout)
                #expect(error.isTransient)
                let sentRCPT = sink.sessions.first?.commands.contains { $0.hasPrefix("RCPT") } == true
                #expect((error.stage == .rcpt) == sentRCPT)
                reachedRecipientStage = error.stage == .rcpt
            }
        }
        #expect(reachedRecipientStage)
    }

    @Test("the total timeout bounds a slow server even when each reply is in time")
    func totalTimeout() async throws {
        let sink = try await SMTPSink.start(behaviour(.message, .stall))
        let client = SMTPSubmissionClient(
            configuration: .init(
                port: sink.port, connectTimeout: .seconds(300), replyTimeout: .seconds(300), messageTimeout: .seconds(300),
                totalTimeout: .seconds(2)))
        let start = ContinuousClock.now
        let error = try #require(await submissionError(client))
        await sink.stop()
        // Which stage the deadline hits depends on machine load; that it hits, and early, does not.
        #expect(error.code == .timeout)
        #expect(error.isTransient)
        #expect(ContinuousClock.now - start < promptly)
    }

    @Test("the server closing instead of answering the message is a transient lost connection")
    func closeAtMessageEnd() async throws {
        try await withSink(behaviour(.message, .close)) { sink, client in
            let error = try #require(await submissionError(client))
            #expect(error.stage == .message)
            #expect(error.code == .connectionClosed)
            #expect(error.isTransient)
            #expect(sink.transactions.isEmpty)
        }
    }

    @Test("the server closing in the middle of the message data is a transient failure at the message stage")
    func closeMidData() async throws {
        var behaviour = SMTPSink.Behaviour()
        behaviour.closeAfterDataOctets = 100
        try await withSink(behaviour) { sink, client in
            let body = String(repeating: "a line of the message body\r\n", count: 20_000)
            let error = try #require(await submissionError(client, message: "Subject: big\r\n\r\n" + body))
            #expect(error.stage == .message)
            #expect(error.code == .connectionClosed)
            #expect(error.isTransient)
            #expect(sink.transactions.isEmpty)
        }
    }

    @Test("the server closing right after the greeting fails at EHLO")
    func closeAtEHLO() async throws {
        try await withSink(behaviour(.ehlo, .close)) { _, client in
            let error = try #require(await submissionError(client))
            #expect(error.stage == .ehlo)
            #expect(error.code == .connectionClosed)
            #expect(error.isTransient)
        }
    }

    @Test("a reply line longer than the limit is a protocol violation, not unbounded buffering")
    func lineTooLong() async throws {
        let long = String(repeating: "x", count: 10_000)
        try await withSink(behaviour(.greeting, .reply(.init(220, long)))) { _, client in
            let error = try #require(await submissionError(client))
            #expect(error.stage == .greeting)
            #expect(error.code == .protocolViolation)
            #expect(error.detail.contains("4096"))
        }
    }

    @Test("cancelling the calling task ends a stalled submission promptly")
    func cancelled() async throws {
        try await withSink(behaviour(.greeting, .stall), replyTimeout: .seconds(300)) { _, client in
            let start = ContinuousClock.now
            let attempt = Task { await submissionError(client) }
            try await Task.sleep(for: .milliseconds(200))
            attempt.cancel()
            let error = try #require(await attempt.value)
            #expect(error.code == .cancelled)
            #expect(error.isTransient)
            #expect(ContinuousClock.now - start < promptly)
        }
    }

    @Test("nobody listening: connection refused, transient, quickly")
    func refused() async throws {
        // A port bound but not listening refuses connections, and no other test can take it meanwhile.
        let port = try BoundPort()
        defer { port.close() }
        let client = SMTPSubmissionClient(configuration: .init(port: port.number, connectTimeout: .seconds(300)))
        let start = ContinuousClock.now
        let error = try #require(await submissionError(client))
        #expect(error.stage == .connect)
        #expect(error.code == .connectionFailed)
        #expect(error.isTransient)
        #expect(error.detail.contains("127.0.0.1:\(port.number)"))
        #expect(ContinuousClock.now - start < promptly)
    }
}
