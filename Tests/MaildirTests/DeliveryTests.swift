import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Maildir

private let crlfMessage = Array("Subject: hello\r\nFrom: a@b.example\r\n\r\nline one\r\nline two\r\n".utf8)
private let lfMessage = Array("Subject: hello\nFrom: a@b.example\n\nline one\nline two\n".utf8)

/// Splits bytes into chunks of `size`, so CRLF pairs straddle chunk boundaries.
private func chunked(_ bytes: [UInt8], size: Int) -> [[UInt8]] {
    stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
}

/// A small seeded generator so failures replay.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Maildir delivery (cr.yp.to/proto/maildir.html)")
struct DeliveryTests {
    @Test("LF mode: CRLF input is stored with LF, byte-exact; S and W in the name; tmp/ empty")
    func lfMode() throws {
        try withTemporaryDirectory { root in
            let receipt = try store(root).deliver(chunked(crlfMessage, size: 3))
            #expect(contents(receipt.path) == lfMessage)
            #expect(receipt.size == UInt64(lfMessage.count))
            #expect(receipt.virtualSize == UInt64(crlfMessage.count))
            #expect(receipt.fileName.hasSuffix(",S=\(lfMessage.count),W=\(crlfMessage.count)"))
            #expect(receipt.path == root + "/new/" + receipt.fileName)
            #expect(entries(root + "/new") == [receipt.fileName])
            #expect(entries(root + "/tmp").isEmpty)
            #expect(entries(root + "/cur").isEmpty)
        }
    }

    @Test("CRLF mode: stored exactly as received; S equals W")
    func crlfMode() throws {
        try withTemporaryDirectory { root in
            let receipt = try store(root, lineEnding: .crlf).deliver(chunked(crlfMessage, size: 5))
            #expect(contents(receipt.path) == crlfMessage)
            #expect(receipt.fileName.hasSuffix(",S=\(crlfMessage.count),W=\(crlfMessage.count)"))
            #expect(entries(root + "/tmp").isEmpty)
        }
    }

    @Test("a per-recipient header prefix and a spooled file are stored as one message")
    func streamedFromFile() throws {
        try withTemporaryDirectory { root in
            let spool = root + "-spool"
            _ = FileManager.default.createFile(atPath: spool, contents: Data(crlfMessage))
            defer { try? FileManager.default.removeItem(atPath: spool) }
            let prefix = BytesMessageSource(Array("Delivered-To: u@example.org\r\n".utf8))
            let receipt = try store(root).deliver(ConcatenatedMessageSource(prefix, FileMessageSource(path: spool, chunkSize: 7)))
            #expect(contents(receipt.path) == Array("Delivered-To: u@example.org\n".utf8) + lfMessage)
        }
    }

    @Test("an unreadable message source fails the delivery and leaves nothing behind")
    func sourceFailure() throws {
        try withTemporaryDirectory { root in
            let missing = root + "/no-such-spool"
            #expect(throws: MaildirError.messageSource("open \(missing) failed: No such file or directory")) {
                try store(root).deliver(FileMessageSource(path: missing))
            }
            #expect(entries(root + "/new").isEmpty)
            #expect(entries(root + "/tmp").isEmpty)
        }
    }

    @Test("file name: <secs>.M<usecs>P<pid>Q<counter>.<host>,S=<size>,W=<vsize> with / and : escaped in the host")
    func fileNameFormat() throws {
        try withTemporaryDirectory { root in
            var configuration = MaildirConfiguration()
            configuration.hostname = "mx/1:a,b"
            let receipt = try MaildirStore(root: root, configuration: configuration).deliver([Array("x\r\n".utf8)])
            let pattern = #/^(\d+)\.M(\d+)P(\d+)Q(\d+)\.mx\\0571\\072a\\054b,S=2,W=3$/#
            let match = try #require(receipt.fileName.wholeMatch(of: pattern))
            #expect(Int(match.output.3) == Int(getpid()))
            #expect((Int(match.output.2) ?? -1) < 1_000_000)
            #expect(abs((Int(match.output.1) ?? 0) - time(nil)) < 60)
        }
    }

    @Test("200 concurrent deliveries from 8 tasks: all distinct, all present, all intact")
    func concurrentDeliveries() async throws {
        let root = try withTemporaryDirectory { $0 + "-concurrent" }
        defer { try? FileManager.default.removeItem(atPath: root) }
        let maildir = store(root)
        let names = try await withThrowingTaskGroup(of: [String].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var names: [String] = []
                    for index in 0..<25 {
                        let body = Array("Subject: \(task)-\(index)\r\n\r\nbody\r\n".utf8)
                        let receipt = try maildir.deliver([body])
                        guard contents(receipt.path) == Array("Subject: \(task)-\(index)\n\nbody\n".utf8) else { return [] }
                        names.append(receipt.fileName)
                    }
                    return names
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(names.count == 200)
        #expect(Set(names).count == 200)
        #expect(Set(entries(root + "/new")) == Set(names))
        #expect(entries(root + "/tmp").isEmpty)
    }

    @Test("durable order: write, fsync file, close, link, unlink tmp, fsync new/")
    func durableOrder() throws {
        try withTemporaryDirectory { root in
            let fileSystem = FaultyFileSystem()
            _ = try store(root, fileSystem: fileSystem).deliver([crlfMessage])
            let steps = fileSystem.calls
                .filter { [.write, .fsync, .close, .link, .unlink, .fsyncDirectory].contains($0.0) && !$0.1.hasSuffix("maildirfolder") }
                .drop { $0.0 != .write }
                .map { "\($0.0.rawValue) \($0.1.hasPrefix(root + "/new") ? "new" : $0.1.hasPrefix(root + "/tmp") ? "tmp" : $0.1)" }
            #expect(Array(steps) == ["write tmp", "fsync tmp", "close tmp", "link new", "unlink tmp", "fsyncDirectory new"])
        }
    }
}

@Suite("Maildir++ folders on disk")
struct FolderCreationTests {
    @Test("a missing folder is created with maildirfolder, cur/new/tmp, 0700 dirs and 0600 files")
    func create() throws {
        try withTemporaryDirectory { base in
            let root = base + "/Maildir"
            let receipt = try store(root).deliver([crlfMessage], to: "Lists/swift", createIfMissing: true)
            let folder = root + "/.Lists.swift"
            #expect(receipt.path.hasPrefix(folder + "/new/"))
            #expect(entries(folder) == ["cur", "maildirfolder", "new", "tmp"])
            #expect(entries(root).contains(".Lists.swift"))
            #expect(entries(root + "/new").isEmpty)
            #expect(contents(folder + "/maildirfolder").isEmpty)
            for directory in [root, root + "/cur", folder, folder + "/new", folder + "/tmp"] {
                #expect(mode(directory) == 0o700, "\(directory)")
            }
            #expect(mode(receipt.path) == 0o600)
            #expect(mode(folder + "/maildirfolder") == 0o600)
        }
    }

    @Test("a missing folder is not created without permission, and nothing is written")
    func missing() throws {
        try withTemporaryDirectory { root in
            let maildir = store(root)
            #expect(throws: MaildirError.mailboxDoesNotExist(name: "Junk", path: root + "/.Junk")) {
                try maildir.deliver([crlfMessage], to: "Junk")
            }
            #expect(try !maildir.mailboxExists("Junk"))
            #expect(!entries(root).contains(".Junk"))
            try maildir.createMailbox("Junk")
            #expect(try maildir.mailboxExists("Junk"))
            #expect(try maildir.mailboxExists("INBOX"))
            #expect(try maildir.deliver([crlfMessage], to: "Junk").path.hasPrefix(root + "/.Junk/new/"))
        }
    }

    @Test("an existing folder missing its subdirectories gets them")
    func repairsSubdirectories() throws {
        try withTemporaryDirectory { root in
            try FileManager.default.createDirectory(atPath: root + "/.Sent", withIntermediateDirectories: true)
            let receipt = try store(root).deliver([crlfMessage], to: "Sent")
            #expect(receipt.path.hasPrefix(root + "/.Sent/new/"))
            #expect(entries(root + "/.Sent").contains("tmp"))
        }
    }

    @Test("a refused mailbox name throws before anything is written")
    func refusedName() throws {
        try withTemporaryDirectory { root in
            #expect(throws: MaildirError.invalidMailboxName(name: "../etc", reason: .parentReference)) {
                try store(root).deliver([crlfMessage], to: "../etc", createIfMissing: true)
            }
            #expect(entries(root).isEmpty)
        }
    }
}

@Suite("Maildir tmp/ clean-up")
struct CleanupTests {
    @Test("removes tmp/ files older than 36 hours in every folder, keeps fresh ones")
    func staleFiles() throws {
        try withTemporaryDirectory { root in
            let maildir = store(root)
            try maildir.createMailbox("Junk")
            let files = [root + "/tmp/old", root + "/tmp/fresh", root + "/.Junk/tmp/old", root + "/.Junk/tmp/recent"]
            for file in files { _ = FileManager.default.createFile(atPath: file, contents: Data("partial".utf8)) }
            age(files[0], secondsAgo: 37 * 3600)
            age(files[2], secondsAgo: 40 * 3600)
            age(files[3], secondsAgo: 35 * 3600)
            #expect(try maildir.cleanupTemporaryFiles() == 2)
            #expect(entries(root + "/tmp") == ["fresh"])
            #expect(entries(root + "/.Junk/tmp") == ["recent"])
            #expect(try maildir.cleanupTemporaryFiles(olderThan: .seconds(3600)) == 1)
            #expect(entries(root + "/.Junk/tmp").isEmpty)
        }
    }

    @Test("a missing Maildir has nothing to clean")
    func missingRoot() throws {
        try withTemporaryDirectory { base in
            let removed = try store(base + "/none").cleanupTemporaryFiles()
            #expect(removed == 0)
        }
    }
}
