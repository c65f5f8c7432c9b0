import SMTPTestSupport
import Testing

@testable import Submission

/// A message as handed to the client and what the server must reconstruct after unstuffing.
struct DeliveredCase: CustomTestStringConvertible, Sendable {
    var name: String
    var message: String
    var received: String
    var testDescription: String { name }
}

@Suite("RFC 5321 §4.5.2 dot-stuffing, verified by the sink after unstuffing")
struct DotStuffingEndToEndTests {
    static let cases: [DeliveredCase] = [
        .init(name: "line starting with a dot", message: "S: x\r\n\r\n.hidden\r\n", received: "S: x\r\n\r\n.hidden\r\n"),
        .init(name: "line of two dots", message: "S: x\r\n\r\n..\r\n", received: "S: x\r\n\r\n..\r\n"),
        .init(name: "lone dot line", message: "S: x\r\n\r\n.\r\nafter\r\n", received: "S: x\r\n\r\n.\r\nafter\r\n"),
        .init(name: "bare LF then dot", message: "S: x\n\n.\nafter\n", received: "S: x\r\n\r\n.\r\nafter\r\n"),
        .init(name: "bare CR then dot", message: "S: x\r\n\r\nbefore\r.\rafter", received: "S: x\r\n\r\nbefore\r\n.\r\nafter\r\n"),
        .init(name: "no final CRLF", message: "S: x\r\n\r\nlast line", received: "S: x\r\n\r\nlast line\r\n"),
        .init(name: "ends in a lone dot without CRLF", message: "S: x\r\n\r\n.", received: "S: x\r\n\r\n.\r\n"),
        .init(name: "CR LF . CR LF inside", message: "S: x\r\n\r\na\r\n.\r\nb\r\n", received: "S: x\r\n\r\na\r\n.\r\nb\r\n"),
    ]

    @Test("the sink reconstructs the CRLF-normalised message byte for byte", arguments: cases)
    func roundTrip(_ example: DeliveredCase) async throws {
        try await withSink { sink, client in
            _ = try await client.submit(
                envelopeFrom: "a@example.org", recipients: ["b@example.net"], message: Array(example.message.utf8))
            let transaction = try #require(sink.transactions.first)
            #expect(transaction.message == Array(example.received.utf8))
            // The session ended normally after the message: the dot line was where we meant it.
            #expect(sink.sessions.first?.commands.last == "QUIT")
        }
    }
}

@Suite("RFC 1870 SIZE, RFC 6531 SMTPUTF8, RFC 6152 8BITMIME")
struct ExtensionUseTests {
    @Test("SIZE= carries the normalised message size when SIZE is offered")
    func sizeParameter() async throws {
        var behaviour = SMTPSink.Behaviour()
        behaviour.size = 10_000
        try await withSink(behaviour) { sink, client in
            _ = try await client.submit(envelopeFrom: "a@example.org", recipients: ["b@example.net"], message: Array("S: x\n\n.b".utf8))
            let transaction = try #require(sink.transactions.first)
            #expect(transaction.mailParameters == ["SIZE=\(transaction.message.count)"])
            #expect(transaction.message.count == 12)
        }
    }

    @Test("no SIZE= when SIZE is not offered")
    func noSizeParameter() async throws {
        try await withSink { sink, client in
            _ = try await client.submit(envelopeFrom: "a@example.org", recipients: ["b@example.net"], message: Array("x".utf8))
            #expect(sink.transactions.first?.mailParameters == [])
        }
    }

    @Test("a message over the advertised SIZE is refused before MAIL FROM, permanently")
    func tooLarge() async throws {
        var behaviour = SMTPSink.Behaviour()
        behaviour.size = 10
        try await withSink(behaviour) { sink, client in
            let error = try #require(await submissionError(client, message: "Subject: too long for ten\r\n\r\n"))
            #expect(error.stage == .mail)
            #expect(error.code == .messageTooLarge)
            #expect(!error.isTransient)
            #expect(!(sink.sessions.first?.commands.contains { $0.hasPrefix("MAIL") } ?? true))
        }
    }

    @Test("non-ASCII addresses use SMTPUTF8 when offered")
    func utf8Offered() async throws {
        var behaviour = SMTPSink.Behaviour()
        behaviour.smtpUTF8 = true
        try await withSink(behaviour) { sink, client in
            let receipt = try await client.submit(
                envelopeFrom: "", recipients: ["jürgen@例え.jp"], message: Array("x\r\n".utf8))
            #expect(receipt.accepted == ["jürgen@例え.jp"])
            let transaction = try #require(sink.transactions.first)
            #expect(transaction.mailParameters == ["SMTPUTF8"])
            #expect(transaction.recipients == ["jürgen@例え.jp"])
        }
    }

    @Test("non-ASCII addresses without SMTPUTF8 are refused with a clear, permanent error")
    func utf8Missing() async throws {
        try await withSink { sink, client in
            let error = try #require(await submissionError(client, to: ["jürgen@example.de"]))
            #expect(error.code == .unsupportedExtension)
            #expect(!error.isTransient)
            #expect(error.detail.contains("SMTPUTF8"))
            #expect(!(sink.sessions.first?.commands.contains { $0.hasPrefix("MAIL") } ?? true))
        }
    }

    @Test("8-bit content asks for BODY=8BITMIME when offered, and only then", arguments: [true, false])
    func eightBit(offered: Bool) async throws {
        var behaviour = SMTPSink.Behaviour()
        behaviour.eightBitMIME = offered
        try await withSink(behaviour) { sink, client in
            _ = try await client.submit(
                envelopeFrom: "a@example.org", recipients: ["b@example.net"], message: Array("Subject: x\r\n\r\nGrüße\r\n".utf8))
            #expect(sink.transactions.first?.mailParameters == (offered ? ["BODY=8BITMIME"] : []))
        }
    }
}
