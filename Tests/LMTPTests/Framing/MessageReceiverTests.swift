import MailCore
import NIOCore
import Synchronization
import Testing

@testable import LMTP

@Suite("Message receiver: limits enforced while reading")
struct MessageReceiverTests {
    static func reception(
        _ framing: DataReception.Framing = .dotTerminated, discard: Bool = false, starts: Bool = true,
        maximumSize: Int = 100, rejectsNUL: Bool = true, maximumLineLength: Int? = nil
    ) -> DataReception {
        DataReception(
            framing: framing, discard: discard, startsMessage: starts, maximumSize: maximumSize,
            rejectsNUL: rejectsNUL, maximumLineLength: maximumLineLength)
    }

    static func outcome(_ event: LMTPSession.Event?) -> String {
        switch event {
        case .messageReceived(.complete(let message)): "complete:" + String(decoding: (try? message.bytes()) ?? [], as: UTF8.self)
        case .messageReceived(.failed(let failure)): "failed:\(failure.reply.code) \(failure.reply.enhancedCode?.description ?? "")"
        case .chunkReceived(let octets): "chunk:\(octets)"
        case nil: "nil"
        default: "other"
        }
    }

    @Test func completeMessage() {
        var receiver = MessageReceiver()
        receiver.begin(Self.reception())
        receiver.append(ByteBuffer(string: "Subject: a\r\n"))
        receiver.append(ByteBuffer(string: "\r\nbody\r\n"))
        #expect(Self.outcome(receiver.end()) == "complete:Subject: a\r\n\r\nbody\r\n")
    }

    @Test(arguments: [
        (reception(maximumSize: 5), "123456", "failed:552 5.2.3"),
        (reception(maximumSize: 6), "123456", "complete:123456"),
        (reception(), "a\u{0}b", "failed:554 5.6.0"),
        (reception(rejectsNUL: false), "a\u{0}b", "complete:a\u{0}b"),
        (reception(maximumLineLength: 3), "abc\r\ndef\r\n", "complete:abc\r\ndef\r\n"),
        (reception(maximumLineLength: 3), "abc\r\ndefg\r\n", "failed:554 5.6.0"),
    ])
    func limits(reception: DataReception, input: String, expected: String) {
        var receiver = MessageReceiver()
        receiver.begin(reception)
        for byte in input.utf8 { receiver.append(ByteBuffer(bytes: [byte])) }
        #expect(Self.outcome(receiver.end()) == expected)
    }

    @Test func chunksAccumulateUntilLast() {
        var receiver = MessageReceiver()
        receiver.begin(Self.reception(.chunk(size: 3, last: false)))
        receiver.append(ByteBuffer(string: "abc"))
        #expect(Self.outcome(receiver.end()) == "chunk:3")
        receiver.begin(Self.reception(.chunk(size: 2, last: true), starts: false))
        receiver.append(ByteBuffer(string: "de"))
        #expect(Self.outcome(receiver.end()) == "complete:abcde")
    }

    @Test func sizeCountsAcrossChunks() {
        var receiver = MessageReceiver()
        receiver.begin(Self.reception(.chunk(size: 4, last: false), maximumSize: 6))
        receiver.append(ByteBuffer(string: "abcd"))
        #expect(Self.outcome(receiver.end()) == "chunk:4")
        receiver.begin(Self.reception(.chunk(size: 4, last: true), starts: false, maximumSize: 6))
        receiver.append(ByteBuffer(string: "efgh"))
        #expect(Self.outcome(receiver.end()) == "failed:552 5.2.3")
    }

    @Test func discardedChunkGivesNoEventAndKeepsTheMessage() {
        var receiver = MessageReceiver()
        receiver.begin(Self.reception(.chunk(size: 2, last: false)))
        receiver.append(ByteBuffer(string: "ab"))
        _ = receiver.end()
        receiver.begin(Self.reception(.chunk(size: 3, last: false), discard: true, starts: false))
        receiver.append(ByteBuffer(string: "zzz"))
        #expect(Self.outcome(receiver.end()) == "nil")
        receiver.begin(Self.reception(.chunk(size: 1, last: true), starts: false))
        receiver.append(ByteBuffer(string: "c"))
        #expect(Self.outcome(receiver.end()) == "complete:abc")
    }

    @Test func spoolFailureIs451() {
        var receiver = MessageReceiver(spool: MessageSpoolConfiguration(memoryThreshold: 1, directory: "/nonexistent-sluice"))
        receiver.begin(Self.reception())
        receiver.append(ByteBuffer(string: "abc"))
        #expect(Self.outcome(receiver.end()) == "failed:451 4.3.0")
    }

    @Test func newMessageForgetsTheOldFailure() {
        var receiver = MessageReceiver()
        receiver.begin(Self.reception(maximumSize: 1))
        receiver.append(ByteBuffer(string: "abc"))
        _ = receiver.end()
        receiver.begin(Self.reception())
        receiver.append(ByteBuffer(string: "ok"))
        #expect(Self.outcome(receiver.end()) == "complete:ok")
    }

    @Test("receive: bytes kept in memory are taken at once; writes to the spool file go to the blocking runner, gathered")
    func receiveRoutesFileWritesOffThePool() async {
        let handedOver = Atomic<Int>(0)
        let runner: MessageReceiver.BlockingRunner = { work in
            handedOver.add(1, ordering: .relaxed)
            return await BlockingIO.run(work)
        }
        var receiver = MessageReceiver(spool: MessageSpoolConfiguration(memoryThreshold: 8))
        receiver.begin(Self.reception(maximumSize: 10 << 20))
        await receiver.receive(ByteBuffer(string: "1234"), runBlocking: runner)
        await receiver.receive(ByteBuffer(string: "5678"), runBlocking: runner)
        #expect(handedOver.load(ordering: .relaxed) == 0)
        // Past the threshold the bytes are gathered, and handed over a batch at a time.
        await receiver.receive(ByteBuffer(string: "9"), runBlocking: runner)
        #expect(handedOver.load(ordering: .relaxed) == 0)
        let large = String(repeating: "x", count: MessageReceiver.batchBytes)
        await receiver.receive(ByteBuffer(string: large), runBlocking: runner)
        #expect(handedOver.load(ordering: .relaxed) == 1)
        await receiver.receive(ByteBuffer(string: "0"), runBlocking: runner)
        #expect(handedOver.load(ordering: .relaxed) == 1)
        // The end writes what is still gathered, through the runner too.
        let event = await receiver.finish(runBlocking: runner)
        #expect(handedOver.load(ordering: .relaxed) == 2)
        #expect(Self.outcome(event) == "complete:123456789" + large + "0")
    }

    @Test("bytes taken on the caller's thread after gathered ones keep their order")
    func mixedReceiveAndAppendKeepOrder() async {
        var receiver = MessageReceiver(spool: MessageSpoolConfiguration(memoryThreshold: 2))
        receiver.begin(Self.reception())
        await receiver.receive(ByteBuffer(string: "abc"))
        receiver.append(ByteBuffer(string: "def"))
        #expect(Self.outcome(receiver.end()) == "complete:abcdef")
    }

    @Test("gathered bytes survive the end of a BDAT chunk and are written with the last one")
    func gatheredAcrossChunks() async {
        var receiver = MessageReceiver(spool: MessageSpoolConfiguration(memoryThreshold: 2))
        receiver.begin(Self.reception(.chunk(size: 3, last: false)))
        await receiver.receive(ByteBuffer(string: "abc"))
        #expect(Self.outcome(await receiver.finish()) == "chunk:3")
        receiver.begin(Self.reception(.chunk(size: 3, last: true), starts: false))
        await receiver.receive(ByteBuffer(string: "def"))
        #expect(Self.outcome(await receiver.finish()) == "complete:abcdef")
    }

    @Test("receive: a spool file that cannot be made fails the message with 451 4.3.0")
    func receiveSpoolFailure() async {
        var receiver = MessageReceiver(spool: MessageSpoolConfiguration(memoryThreshold: 1, directory: "/nonexistent-sluice"))
        receiver.begin(Self.reception())
        await receiver.receive(ByteBuffer(string: "abc"))
        await receiver.receive(ByteBuffer(string: "def"))
        #expect(Self.outcome(receiver.end()) == "failed:451 4.3.0")
    }

    @Test("a binary message is spooled byte for byte, even by a converting spool, and without a preamble")
    func binaryKeepsLineEnds() async throws {
        var receiver = MessageReceiver(spool: MessageSpoolConfiguration(memoryThreshold: 4, lineEnding: .lf))
        let binary = DataReception(framing: .chunk(size: 9, last: true), discard: false, startsMessage: true,
                                   maximumSize: 100, rejectsNUL: false, maximumLineLength: nil, isBinary: true)
        let preamble = SpoolPreamble(bytes: Array("X: y\n".utf8),
                                     converted: ConvertedBytes(lineEnding: .lf, count: 5, virtualSize: 6, lastByte: 0x0A),
                                     createdAt: 0)
        receiver.begin(binary, preamble: preamble)
        await receiver.receive(ByteBuffer(string: "a\r\nb\nc\r\n\r"))
        guard case .messageReceived(.complete(let message)) = receiver.end() else {
            Issue.record("the message did not complete")
            return
        }
        #expect(try message.bytes() == Array("a\r\nb\nc\r\n\r".utf8))
        #expect(message.converted == nil)
        #expect(message.preamble == nil)
    }
}
