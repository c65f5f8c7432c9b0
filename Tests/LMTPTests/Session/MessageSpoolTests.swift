import MailCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Message spool: memory, then an unlinked temporary file")
struct MessageSpoolTests {
    @Test func staysInMemoryUpToTheThreshold() throws {
        let writer = MessageSpoolWriter(configuration: MessageSpoolConfiguration(memoryThreshold: 8))
        try writer.append(Array("12345678".utf8))
        #expect(!writer.isOnDisk)
        let message = try writer.finish()
        #expect(!message.isOnDisk)
        #expect(try message.bytes() == Array("12345678".utf8))
        #expect(writer.count == 0)
    }

    @Test func movesToAFilePastTheThresholdAndKeepsEveryByte() throws {
        let writer = MessageSpoolWriter(configuration: MessageSpoolConfiguration(memoryThreshold: 10))
        let bytes = (0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        for start in stride(from: 0, to: bytes.count, by: 3) {
            try writer.append(bytes[start..<min(start + 3, bytes.count)])
        }
        #expect(writer.isOnDisk)
        let message = try writer.finish()
        #expect(message.isOnDisk)
        #expect(message.size == 5000)
        #expect(try message.bytes() == bytes)
        #expect(try message.read(offset: 4990, count: 100) == Array(bytes[4990...]))
        #expect(try message.read(offset: 6000, count: 5).isEmpty)
    }

    @Test func unusableDirectoryIsAClearError() {
        let writer = MessageSpoolWriter(
            configuration: MessageSpoolConfiguration(memoryThreshold: 0, directory: "/nonexistent-sluice-dir"))
        #expect {
            try writer.append([1, 2, 3])
        } throws: { error in
            (error as? SpoolError)?.message.contains("/nonexistent-sluice-dir") == true
        }
    }

    @Test("a converting spool stores the converted bytes and counts the sizes, in memory and on disk",
          arguments: LineEnding.allCases, [4096, 7])
    func convertsOnTheWayIn(lineEnding: LineEnding, threshold: Int) throws {
        let text = "Subject: spool\r\nX-Bare: lf\n\r\nline\r\nbare cr\rhere\r\n.dot\n\r\nlast\r"
        let input = Array(text.utf8)
        let writer = MessageSpoolWriter(configuration: MessageSpoolConfiguration(memoryThreshold: threshold,
                                                                                 lineEnding: lineEnding))
        // Pieces of 3 octets: CRLF pairs fall across pieces.
        for start in stride(from: 0, to: input.count, by: 3) {
            try writer.append(input[start..<min(start + 3, input.count)])
        }
        let message = try writer.finish()
        var converter = LineEndingConverter(target: lineEnding)
        var expected: [UInt8] = []
        converter.convert(input, appendingTo: &expected)
        converter.finish(appendingTo: &expected)
        #expect(message.isOnDisk == (threshold < expected.count))
        #expect(try message.bytes() == expected)
        #expect(message.size == expected.count)
        #expect(message.receivedSize == input.count)
        #expect(message.converted == converter.produced)
        #expect(message.rfc5322Size == Message(bytes: input).size)
        // The contents handed to a store are the same bytes.
        let viaContents = message.withContents { contents -> [UInt8] in
            switch contents {
            case .memory(let bytes):
                return Array(bytes)
            case .file(let descriptor):
                var buffer = [UInt8](repeating: 0, count: message.size + 16)
                let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
                return Array(buffer.prefix(max(0, count)))
            }
        }
        #expect(viaContents == expected)
    }

    @Test func anUnconvertedSpoolKeepsTheBytesAndCountsNothing() throws {
        let writer = MessageSpoolWriter(configuration: MessageSpoolConfiguration(memoryThreshold: 4))
        try writer.append(Array("a\r\nb\n".utf8))
        let message = try writer.finish()
        #expect(try message.bytes() == Array("a\r\nb\n".utf8))
        #expect(message.converted == nil)
        #expect(message.rfc5322Size == nil)
    }

    @Test func aWriterConvertsEachMessageAfresh() throws {
        let writer = MessageSpoolWriter(configuration: MessageSpoolConfiguration(lineEnding: .lf))
        try writer.append(Array("first\r".utf8))
        let first = try writer.finish()
        try writer.append(Array("\nsecond\r\n".utf8))
        let second = try writer.finish()
        // The CR that ended the first message is the first message's, not half a CRLF.
        #expect(try first.bytes() == Array("first\r".utf8))
        #expect(try second.bytes() == Array("\nsecond\n".utf8))
    }
}
