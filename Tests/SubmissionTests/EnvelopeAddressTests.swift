import MailCore
import SMTPTestSupport
import Testing

@testable import Submission

/// An address that must never be sent, and the words the error must contain.
struct UnsafeAddress: CustomTestStringConvertible, Sendable {
    var address: String
    var reason: String
    var testDescription: String { DiagnosticText.quoted(address) }
}

@Suite("RFC 5321 §4.1.2 envelope addresses are sanitised before use")
struct EnvelopeAddressTests {
    static let unsafe: [UnsafeAddress] = [
        .init(address: "a@example.net\r\nRCPT TO:<evil@example.com>", reason: "carriage return"),
        .init(address: "a@example.net\nDATA", reason: "line feed"),
        .init(address: "a b@example.net", reason: "space"),
        .init(address: "<a@example.net>", reason: "angle bracket"),
        .init(address: "a@example.net> SIZE=1", reason: "angle bracket"),
        .init(address: "a>@example.net", reason: "angle bracket"),
        .init(address: "a\u{0}@example.net", reason: "control character"),
        .init(address: "a\t@example.net", reason: "control character"),
        .init(address: String(repeating: "a", count: 250) + "@x.io", reason: "254"),
    ]

    @Test("unsafe recipients are refused before anything is sent", arguments: unsafe)
    func unsafeRecipient(_ example: UnsafeAddress) async throws {
        try await withSink { sink, client in
            let error = try #require(await submissionError(client, to: ["ok@example.net", example.address]))
            #expect(error.stage == .envelope)
            #expect(error.code == .invalidAddress)
            #expect(!error.isTransient)
            #expect(error.detail.contains(example.reason))
            #expect(error.detail.contains("recipient"))
            #expect(sink.sessions.isEmpty, "a connection was opened for an invalid envelope")
        }
    }

    @Test("unsafe senders are refused", arguments: unsafe)
    func unsafeSender(_ example: UnsafeAddress) throws {
        let error = #expect(throws: SubmissionError.self) {
            try EnvelopeAddress.check(example.address, as: .sender)
        }
        #expect(error?.detail.contains("envelope sender") == true)
        #expect(error?.detail.contains(example.reason) == true)
    }

    @Test("an empty recipient is refused; an empty sender is the null sender")
    func empty() throws {
        #expect(throws: SubmissionError.self) { try EnvelopeAddress.check("", as: .recipient) }
        #expect(try EnvelopeAddress.check("", as: .sender) == false)
    }

    @Test("no recipients at all is an error, not an empty transaction")
    func noRecipients() async throws {
        try await withSink { sink, client in
            let error = try #require(await submissionError(client, to: []))
            #expect(error.stage == .envelope)
            #expect(sink.sessions.isEmpty)
        }
    }

    @Test("non-ASCII addresses are allowed and flagged as needing SMTPUTF8")
    func nonASCII() throws {
        #expect(try EnvelopeAddress.check("jürgen@example.de", as: .recipient))
        #expect(try !EnvelopeAddress.check("plain+tag@example.de", as: .recipient))
    }

    @Test("an EHLO name with a space is a configuration error")
    func badHeloName() async throws {
        let client = SMTPSubmissionClient(configuration: .init(port: 9, heloName: "bad name"))
        let error = try #require(await submissionError(client))
        #expect(error.code == .invalidConfiguration)
        #expect(error.stage == .ehlo)
    }
}
