import Foundation
import MailCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Maildir

/// A message whose line ends were converted before delivery (as a converting spool does),
/// handed over whole: copied from a file by the kernel, or written from memory. Falls back
/// to chunks of the original when the output declines, as a real source must.
private struct ConvertedSource: MessageSource {
    var original: [UInt8]
    var converted: [UInt8]
    var summary: ConvertedBytes
    /// A file holding `converted`, or nil to hand the bytes over from memory.
    var descriptor: Int32?

    func forEachChunk(_ body: ([UInt8]) throws(MaildirError) -> Void) throws(MaildirError) {
        try body(original)
    }

    func write(to output: inout MessageOutput) throws(MaildirError) {
        let done: Bool
        if let descriptor {
            done = try output.copy(convertedFrom: descriptor, as: summary)
        } else {
            let result = converted.withUnsafeBytes { raw in
                Result { () throws(MaildirError) in try output.write(converted: raw, as: summary) }
            }
            done = try result.get()
        }
        if !done { try forEachChunk { (chunk: [UInt8]) throws(MaildirError) in try output.write(chunk) } }
    }
}

/// Converts `message` to `lineEnding` and, with `inFile`, writes the result to an unlinked
/// file under `directory`; calls `body` with the source.
private func withConvertedSource<T>(_ message: [UInt8], _ lineEnding: LineEnding, inFile: Bool, directory: String,
                                    _ body: (ConvertedSource) throws -> T) throws -> T {
    var converter = LineEndingConverter(target: lineEnding)
    var converted: [UInt8] = []
    converter.convert(message, appendingTo: &converted)
    converter.finish(appendingTo: &converted)
    var source = ConvertedSource(original: message, converted: converted, summary: converter.produced, descriptor: nil)
    guard inFile else { return try body(source) }
    let path = directory + "/spool-\(UUID().uuidString)"
    let fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
    #expect(fd >= 0)
    defer { close(fd) }
    unlink(path)
    let written = converted.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    #expect(written == converted.count)
    // The output copies from offset 0 by position; the file's own offset must not matter.
    source.descriptor = fd
    return try body(source)
}

private let prefix = Array("Return-Path: <a@example.org>\r\nDelivered-To: b@example.org\r\n".utf8)

private func sampleMessage(_ seed: Int) -> [UInt8] {
    var text = "Subject: converted \(seed)\r\nFrom: a@example.org\r\n\r\n"
    for line in 0..<(50 + seed * 37) {
        text += line % 7 == 0 ? "bare lf line \(line)\n" : (line % 11 == 0 ? "bare\rcr \(line)\r\n" : "line \(line) of the body\r\n")
    }
    return Array(text.utf8)
}

/// Delivers `prefix` + `message` twice: converted on the way (`streamed`), and with the
/// message converted beforehand (`copied`, through `fileSystem`).
private func deliverBothWays(_ prefix: [UInt8], _ message: [UInt8], _ lineEnding: LineEnding, inFile: Bool,
                             root: String) throws -> (streamed: DeliveryReceipt, copied: DeliveryReceipt,
                                                      fileSystem: FaultyFileSystem) {
    let streamed = try store(root + "/streamed", lineEnding: lineEnding)
        .deliver(ConcatenatedMessageSource(BytesMessageSource(prefix), BytesMessageSource(message)))
    let fileSystem = FaultyFileSystem()
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    let copied = try withConvertedSource(message, lineEnding, inFile: inFile, directory: root) { source in
        try store(root + "/copied", lineEnding: lineEnding, fileSystem: fileSystem)
            .deliver(ConcatenatedMessageSource(BytesMessageSource(prefix), source))
    }
    return (streamed, copied, fileSystem)
}

@Suite("Maildir delivery of bytes converted before delivery")
struct ConvertedSourceTests {
    @Test("a converted source stores the same file, S and W as converting on the way",
          arguments: LineEnding.allCases, [false, true])
    func sameAsStreaming(lineEnding: LineEnding, inFile: Bool) throws {
        try withTemporaryDirectory { root in
            for seed in 0..<4 {
                let (streamed, copied, fileSystem) = try deliverBothWays(prefix, sampleMessage(seed), lineEnding,
                                                                         inFile: inFile, root: root + "/\(seed)")
                #expect(contents(copied.path) == contents(streamed.path))
                #expect(copied.size == streamed.size)
                #expect(copied.virtualSize == streamed.virtualSize)
                // The file case really went through the kernel copy.
                #expect(fileSystem.calls.contains { $0.0 == .copy } == inFile)
            }
        }
    }

    @Test("after a prefix ending in CR the converted bytes are refused and the original is converted instead",
          arguments: LineEnding.allCases)
    func seamWithCR(lineEnding: LineEnding) throws {
        try withTemporaryDirectory { root in
            let message = Array("\nSubject: x\r\n\r\nbody\r\n".utf8)
            let oddPrefix = Array("X-Odd: ends in CR\r".utf8)
            let (streamed, copied, fileSystem) = try deliverBothWays(oddPrefix, message, lineEnding, inFile: true, root: root)
            #expect(contents(copied.path) == contents(streamed.path))
            #expect(copied.virtualSize == streamed.virtualSize)
            #expect(!fileSystem.calls.contains { $0.0 == .copy })
        }
    }

    @Test("short kernel copies are continued; a copy that fails with EINVAL falls back to reading and writing")
    func shortAndUnsupportedCopies() throws {
        try withTemporaryDirectory { root in
            let message = sampleMessage(3)
            let expected = try store(root + "/streamed").deliver([prefix, message])
            for (name, fileSystem) in [("short", FaultyFileSystem(writeLimit: 97)),
                                       ("einval", FaultyFileSystem(faults: [.init(operation: .copy, pathContains: "/tmp/", errno: EINVAL)]))] {
                let receipt = try withConvertedSource(message, .lf, inFile: true, directory: root) { source in
                    try store(root + "/" + name, fileSystem: fileSystem)
                        .deliver(ConcatenatedMessageSource(BytesMessageSource(prefix), source))
                }
                #expect(contents(receipt.path) == contents(expected.path), "\(name)")
                #expect(receipt.virtualSize == expected.virtualSize, "\(name)")
            }
        }
    }

    @Test("a kernel copy that finds the disk full is a disk-full error, and nothing is left behind")
    func diskFullDuringCopy() throws {
        try withTemporaryDirectory { root in
            try store(root).createMailbox("INBOX")
            let fileSystem = FaultyFileSystem(faults: [.init(operation: .copy, pathContains: "/tmp/", errno: ENOSPC)])
            let error = try withConvertedSource(sampleMessage(1), .lf, inFile: true, directory: root) { source in
                try #require(throws: MaildirError.self) {
                    try store(root, fileSystem: fileSystem).deliver(ConcatenatedMessageSource(BytesMessageSource(prefix), source))
                }
            }
            guard case .diskFull(let operation, let code, _) = error else {
                Issue.record("expected a disk-full error, got \(error)")
                return
            }
            #expect(operation == "write")
            #expect(code == ENOSPC)
            #expect(entries(root + "/new").isEmpty)
            #expect(entries(root + "/tmp").isEmpty)
        }
    }
}

/// A message that can place itself: `placeWhole` answers from `script` in turn (a real hard
/// link of `file` for `.placed`), then `.unavailable`; `write(to:)` writes `bytes`.
private final class PlacingSource: MessageSource, @unchecked Sendable {
    // @unchecked: used by one test on one thread.
    let file: String
    let bytes: [UInt8]
    var script: [WholePlacement]
    var paths: [String] = []

    init(file: String, bytes: [UInt8], script: [WholePlacement]) {
        self.file = file
        self.bytes = bytes
        self.script = script
    }

    func forEachChunk(_ body: ([UInt8]) throws(MaildirError) -> Void) throws(MaildirError) { try body(bytes) }

    func placeWhole(at path: String, lineEnding: LineEnding) -> WholePlacement {
        paths.append(path)
        guard !script.isEmpty else { return .unavailable }
        let next = script.removeFirst()
        if case .placed = next {
            guard link(file, path) == 0 else {
                let code = errno
                script.insert(next, at: 0)
                return .failed(errno: code)
            }
        }
        return next
    }
}

@Suite("Maildir delivery of a message that places itself (a linked spool file)")
struct PlacedSourceTests {
    static let bytes = Array("Delivered-To: a@example.org\nSubject: placed\n\nbody\n".utf8)
    static let sizes = ConvertedBytes(lineEnding: .lf, count: bytes.count, virtualSize: bytes.count + 4, lastByte: 0x0A)

    private func withSourceFile<T>(_ root: String, _ body: (String) throws -> T) throws -> T {
        let file = root + "/source-file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data(Self.bytes)))
        return try body(file)
    }

    @Test("a placed message is linked, not written: S and W from the placement, mode from the configuration")
    func placed() throws {
        try withTemporaryDirectory { root in
            try withSourceFile(root) { file in
                chmod(file, 0o600)
                let source = PlacingSource(file: file, bytes: [], script: [.placed(Self.sizes)])
                var configuration = MaildirConfiguration()
                configuration.fileMode = 0o640
                let fileSystem = FaultyFileSystem()
                let maildir = MaildirStore(root: root + "/Maildir", quota: .unlimited, configuration: configuration,
                                           fileSystem: fileSystem)
                try maildir.createMailbox("INBOX")
                let receipt = try maildir.deliver(source)
                #expect(contents(receipt.path) == Self.bytes)
                #expect(receipt.size == UInt64(Self.bytes.count))
                #expect(receipt.virtualSize == UInt64(Self.bytes.count + 4))
                #expect(receipt.fileName.contains(",S=\(Self.bytes.count),W=\(Self.bytes.count + 4)"))
                #expect(!fileSystem.calls.contains { $0.0 == .write })
                var status = stat()
                #expect(stat(receipt.path, &status) == 0)
                #expect(status.st_mode & 0o777 == 0o640)
                // The same inode: a link, not a copy.
                var original = stat()
                #expect(stat(file, &original) == 0)
                #expect(status.st_ino == original.st_ino)
                #expect(entries(root + "/Maildir/tmp").isEmpty)
            }
        }
    }

    @Test("a taken name is retried; a missing folder is made once; other failures fall back to writing")
    func failures() throws {
        try withTemporaryDirectory { root in
            try withSourceFile(root) { file in
                let retried = PlacingSource(file: file, bytes: [], script: [.failed(errno: EEXIST), .placed(Self.sizes)])
                try store(root + "/A").createMailbox("INBOX")
                let first = try store(root + "/A").deliver(retried)
                #expect(retried.paths.count == 2)
                #expect(contents(first.path) == Self.bytes)

                // A folder that does not exist yet: made (fileinto :create), then placed.
                let folder = PlacingSource(file: file, bytes: [], script: [.failed(errno: ENOENT), .placed(Self.sizes)])
                let second = try store(root + "/B").deliver(folder, to: "Lists/new", createIfMissing: true)
                #expect(second.path.contains("/.Lists.new/new/"))
                #expect(contents(second.path) == Self.bytes)

                let crossDevice = PlacingSource(file: file, bytes: Self.bytes, script: [.failed(errno: EXDEV)])
                let third = try store(root + "/C").deliver(crossDevice)
                #expect(contents(third.path) == Self.bytes)
                #expect(third.size == UInt64(Self.bytes.count))
                var status = stat()
                var original = stat()
                #expect(stat(third.path, &status) == 0 && stat(file, &original) == 0)
                #expect(status.st_ino != original.st_ino)
            }
        }
    }

    @Test("a folder that may not be made is an error before anything is placed")
    func missingFolderNotCreated() throws {
        try withTemporaryDirectory { root in
            try withSourceFile(root) { file in
                let source = PlacingSource(file: file, bytes: [], script: [.failed(errno: ENOENT), .placed(Self.sizes)])
                #expect(throws: MaildirError.self) {
                    try store(root + "/D").deliver(source, to: "Nowhere", createIfMissing: false)
                }
            }
        }
    }
}

@Suite("Maildir delivery of a binary message (BODY=BINARYMIME): byte for byte")
struct KeptLineEndsTests {
    @Test("CR and LF octets are stored as given; S counts them, W adds one per LF without a CR", arguments: LineEnding.allCases)
    func keptAsGiven(lineEnding: LineEnding) throws {
        try withTemporaryDirectory { root in
            let prefix = Array("Return-Path: <a@example.org>\r\n".utf8)
            let message = Array("Content-Type: application/octet-stream\r\n\r\n\u{1}\r\u{2}\n\u{3}\r\n\r".utf8)
            let receipt = try store(root, lineEnding: lineEnding)
                .deliver([prefix, Array(message[..<20]), Array(message[20...])], keepingLineEnds: true)
            #expect(contents(receipt.path) == prefix + message)
            #expect(receipt.size == UInt64(prefix.count + message.count))
            #expect(receipt.virtualSize == UInt64(prefix.count + message.count + 1))
        }
    }
}
