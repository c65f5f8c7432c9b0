import MailCore
import Testing

@Suite("Message spool: memory, then an unlinked temporary file")
struct MessageSpoolTests {
    @Test func staysInMemoryUpToTheThreshold() throws {
        let writer = MessageSpoolWriter(configuration: MessageSpoolConfiguration(memoryThreshold: 8))
        try writer.append(Array("12345678".utf8))
        #expect(!writer.isOnDisk)
        let message = writer.finish()
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
        let message = writer.finish()
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
}
