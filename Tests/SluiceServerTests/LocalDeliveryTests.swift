import Delivery
import Foundation
import MailCore
import SluiceServer
import SluiceConfig
import Testing

@Suite("sluice deliver: line ends and the mbox From_ line")
struct LocalMessageNormalizerTests {
    static let cases: [(input: String, expected: String)] = [
        ("Subject: a\n\nbody\n", "Subject: a\r\n\r\nbody\r\n"),
        ("Subject: a\r\n\r\nbody\r\n", "Subject: a\r\n\r\nbody\r\n"),
        ("Subject: a\r\n\nmixed\n", "Subject: a\r\n\r\nmixed\r\n"),
        ("Subject: a\n\nbare\rCR\n", "Subject: a\r\n\r\nbare\rCR\r\n"),
        ("From sender@example.com Mon Jan  1 00:00:00 2024\nSubject: a\n\nb\n", "Subject: a\r\n\r\nb\r\n"),
        ("From: a@example.com\n\nb\n", "From: a@example.com\r\n\r\nb\r\n"),
        ("Fro", "Fro"),
        ("", ""),
        ("Subject: x\n\nFrom here on\n", "Subject: x\r\n\r\nFrom here on\r\n"),
    ]

    @Test("whole input", arguments: cases)
    func whole(_ input: String, _ expected: String) {
        var normalizer = LocalMessageNormalizer()
        let output = normalizer.feed(Array(input.utf8)) + normalizer.finish()
        #expect(String(decoding: output, as: UTF8.self) == expected)
    }

    @Test("trickled one octet at a time", arguments: cases)
    func trickled(_ input: String, _ expected: String) {
        var normalizer = LocalMessageNormalizer()
        var output: [UInt8] = []
        for byte in Array(input.utf8) { output += normalizer.feed([byte]) }
        output += normalizer.finish()
        #expect(String(decoding: output, as: UTF8.self) == expected)
    }
}

@Suite("sluice deliver: reading standard input")
struct LocalMessageReaderTests {
    /// Reads `bytes` through a pipe, as standard input would deliver them. The blocking
    /// reads run on a thread of their own, off Swift's cooperative pool.
    func read(_ bytes: [UInt8], threshold: Int = 1 << 20, maximumSize: Int = 0) async throws -> SpooledMessage {
        let pipe = Pipe()
        let writer = Thread {
            pipe.fileHandleForWriting.write(Data(bytes))
            try? pipe.fileHandleForWriting.close()
        }
        writer.start()
        let fd = pipe.fileHandleForReading.fileDescriptor
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    try LocalMessageReader.read(fileDescriptor: fd, spool: MessageSpoolConfiguration(memoryThreshold: threshold),
                                                maximumSize: maximumSize)
                })
                withExtendedLifetime(pipe) {}
            }.start()
        }
    }

    @Test("a message past the memory threshold goes to the spool file, whole and normalised")
    func spooled() async throws {
        let body = Array(String(repeating: "line of text\n", count: 1000).utf8)
        let message = try await read(Array("Subject: big\n\n".utf8) + body, threshold: 512)
        #expect(message.isOnDisk)
        #expect(message.size == 14 + 2 + 1000 * 14)
        #expect(try message.bytes() == Array(("Subject: big\r\n\r\n" + String(repeating: "line of text\r\n", count: 1000)).utf8))
    }

    @Test("a NUL octet is a data error (5.6.0)")
    func nul() async {
        do {
            _ = try await read(Array("Subject: a\n\nx\0y\n".utf8))
            Issue.record("expected an error")
        } catch let error as LocalMessageError {
            #expect(error.status == .dataError)
            #expect(error.message.hasPrefix("5.6.0 "))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("a message over max_message_size is a data error (5.2.3) naming the limit")
    func tooBig() async {
        do {
            _ = try await read(Array(String(repeating: "x", count: 300).utf8), maximumSize: 100)
            Issue.record("expected an error")
        } catch let error as LocalMessageError {
            #expect(error.status == .dataError)
            #expect(error.message.hasPrefix("5.2.3 "))
            #expect(error.message.contains("100 octets"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

@Suite("sluice deliver: exit status precedence (sysexits)")
struct DeliverExitStatusTests {
    static func outcome(_ rcpt: String, _ disposition: RecipientOutcome.Disposition) -> RecipientOutcome {
        let reply: DeliveryReply
        switch disposition {
        case .stored, .discarded, .redirected: reply = DeliveryReply(code: 250, status: .ok, text: "OK")
        case .rejected: reply = DeliveryReply(code: 550, status: .deliveryNotAuthorized, text: "not wanted")
        case .unknownUser: reply = DeliveryReply(code: 550, status: .badDestinationMailbox, text: "no such user")
        case .deferred: reply = DeliveryReply(code: 451, status: .temporarySystemFailure, text: "try later")
        case .failed: reply = DeliveryReply(code: 552, status: .mailboxFullPermanent, text: "full")
        }
        return RecipientOutcome(recipient: rcpt, reply: reply, disposition: disposition)
    }

    static let cases: [([RecipientOutcome.Disposition], DeliverExitStatus, String?)] = [
        ([.stored], .ok, nil),
        ([.discarded, .redirected, .stored], .ok, nil),
        ([.rejected], .noPermission, "5.7.1 <r0@example.org>: not wanted"),
        ([.unknownUser], .noUser, "5.1.1 <r0@example.org>: no such user"),
        ([.deferred], .temporaryFailure, "4.3.0 <r0@example.org>: try later"),
        ([.failed], .unavailable, "5.2.2 <r0@example.org>: full"),
        ([.stored, .unknownUser, .rejected], .noPermission, "5.7.1 <r2@example.org>: not wanted"),
        ([.rejected, .deferred, .unknownUser], .temporaryFailure, "4.3.0 <r1@example.org>: try later"),
        ([.failed, .unknownUser], .noUser, "5.1.1 <r1@example.org>: no such user"),
        ([.stored, .failed], .unavailable, "5.2.2 <r1@example.org>: full"),
    ]

    @Test("the worst class wins: 75 > 77 > 67 > 69 > 0; its line comes first", arguments: cases)
    func precedence(_ dispositions: [RecipientOutcome.Disposition], _ status: DeliverExitStatus, _ first: String?) {
        let outcomes = dispositions.enumerated().map { Self.outcome("r\($0.offset)@example.org", $0.element) }
        let report = LocalDelivery.report(for: outcomes)
        #expect(report.status == status)
        #expect(report.diagnostics.first == first)
        #expect(report.diagnostics.count == dispositions.filter { ![.stored, .discarded, .redirected].contains($0) }.count)
    }
}

@Suite("sluice deliver: the [deliver] section")
struct DeliverConfigurationTests {
    @Test("reject_action defaults to exit and accepts mdn")
    func rejectAction() throws {
        #expect(try ConfigurationFile.parse("", file: "t.toml").deliver.rejectAction == .exit)
        #expect(try ConfigurationFile.parse("[deliver]\nreject_action = \"mdn\"\n", file: "t.toml").deliver.rejectAction == .mdn)
    }

    @Test("a wrong value or an unknown key is an error naming the key")
    func wrongValue() {
        #expect(throws: ConfigurationError("t.toml: 'deliver.reject_action' is \"bounce\", expected one of \"exit\", \"mdn\"")) {
            try ConfigurationFile.parse("[deliver]\nreject_action = \"bounce\"\n", file: "t.toml")
        }
        #expect(throws: ConfigurationError("t.toml: unknown key 'deliver.relay' in [deliver] (known keys: reject_action)")) {
            try ConfigurationFile.parse("[deliver]\nrelay = \"x\"\n", file: "t.toml")
        }
    }
}
