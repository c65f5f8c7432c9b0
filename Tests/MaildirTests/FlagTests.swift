import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Maildir

private let message: [[UInt8]] = [Array("Subject: flags\r\n\r\nbody\r\n".utf8)]

private func keywordFile(_ directory: String) -> String {
    String(decoding: contents(directory + "/dovecot-keywords"), as: UTF8.self)
}

@Suite("RFC 5232 imap4flags → Maildir info (:2,<flags>)")
struct SystemFlagTests {
    @Test(
        "system flags become sorted letters in cur/",
        arguments: [
            (["\\Seen", "\\Flagged"], "FS"),
            (["\\Draft", "\\Deleted", "\\Answered", "\\Seen", "\\Flagged"], "DFRST"),
            (["\\seen"], "S"),
            (["\\Seen \\Answered"], "RS"),
            (["\\Seen", "\\SEEN"], "S"),
        ]
    )
    func systemFlags(flags: [String], letters: String) throws {
        try withTemporaryDirectory { root in
            let receipt = try store(root).deliver(message, flags: flags)
            #expect(receipt.flagLetters == letters)
            #expect(receipt.fileName.hasSuffix(":2," + letters))
            #expect(receipt.path == root + "/cur/" + receipt.fileName)
            #expect(entries(root + "/new").isEmpty)
            #expect(receipt.ignoredFlags.isEmpty)
        }
    }

    @Test("unknown system flags are ignored with a reason; without other flags the message goes to new/")
    func unknownSystemFlag() throws {
        try withTemporaryDirectory { root in
            let receipt = try store(root).deliver(message, flags: ["\\Recent"])
            #expect(receipt.path == root + "/new/" + receipt.fileName)
            #expect(!receipt.fileName.contains(":2,"))
            #expect(receipt.ignoredFlags.map(\.flag) == ["\\Recent"])
        }
    }
}

@Suite("Dovecot keywords (dovecot-keywords, letters a-z)")
struct KeywordTests {
    @Test("keywords are added to dovecot-keywords and become letters after the system flags")
    func createFile() throws {
        try withTemporaryDirectory { root in
            let maildir = store(root)
            let first = try maildir.deliver(message, flags: ["$Label1", "\\Seen", "Work"])
            #expect(first.flagLetters == "Sab")
            #expect(first.fileName.hasSuffix(":2,Sab"))
            #expect(keywordFile(root) == "0 $Label1\n1 Work\n")
            #expect(mode(root + "/dovecot-keywords") == 0o600)

            let second = try maildir.deliver(message, flags: ["work", "Personal"])
            #expect(second.flagLetters == "bc")
            #expect(keywordFile(root) == "0 $Label1\n1 Work\n2 Personal\n")
            #expect(!entries(root).contains("dovecot-keywords.lock"))
        }
    }

    @Test("a file written by Dovecot is reused; new keywords take the first free index")
    func reuseExisting() throws {
        try withTemporaryDirectory { root in
            let maildir = store(root)
            try maildir.createMailbox("Lists/swift")
            let folder = root + "/.Lists.swift"
            try Data("0 $Junk\n2 $Forwarded\nbroken line\n30 tooHigh\n".utf8).write(to: URL(fileURLWithPath: folder + "/dovecot-keywords"))
            let receipt = try maildir.deliver(message, to: "Lists/swift", flags: ["$Forwarded", "New"])
            #expect(receipt.flagLetters == "bc")
            #expect(keywordFile(folder) == "0 $Junk\n1 New\n2 $Forwarded\n")
        }
    }

    @Test("a known keyword does not rewrite the file")
    func noRewrite() throws {
        try withTemporaryDirectory { root in
            let maildir = store(root)
            _ = try maildir.deliver(message, flags: ["Work"])
            let fileSystem = FaultyFileSystem()
            let receipt = try store(root, fileSystem: fileSystem).deliver(message, flags: ["WORK"])
            #expect(receipt.flagLetters == "a")
            #expect(!fileSystem.calls.contains { $0.0 == .rename })
        }
    }

    @Test("beyond 26 keywords, new ones are ignored with the reason; known ones still work")
    func limit() throws {
        try withTemporaryDirectory { root in
            let maildir = store(root)
            let existing = (0..<26).map { "k\($0)" }
            _ = try maildir.deliver(message, flags: existing)
            let receipt = try maildir.deliver(message, flags: ["k25", "overflow", "\\Seen"])
            #expect(receipt.flagLetters == "Sz")
            #expect(receipt.ignoredFlags.map(\.flag) == ["overflow"])
            #expect(receipt.ignoredFlags.first?.reason.contains("26 keywords") == true)
            #expect(keywordFile(root).split(separator: "\n").count == 26)
        }
    }

    @Test("keywords that are not IMAP atoms are ignored", arguments: ["bad(kw", "quote\"", "back\\slash]", "naïve"])
    func invalidKeyword(keyword: String) throws {
        try withTemporaryDirectory { root in
            let receipt = try store(root).deliver(message, flags: [keyword])
            #expect(receipt.ignoredFlags.map(\.flag) == [keyword])
            #expect(!entries(root).contains("dovecot-keywords"))
        }
    }

    @Test(
        "a failure updating dovecot-keywords ignores the new keyword with the reason; the message is still stored",
        arguments: [
            FaultyFileSystem.Fault(operation: .write, pathContains: "dovecot-keywords.lock", errno: ENOSPC),
            FaultyFileSystem.Fault(operation: .fsync, pathContains: "dovecot-keywords.lock", errno: EIO),
            FaultyFileSystem.Fault(operation: .rename, pathContains: "dovecot-keywords", errno: EIO),
        ]
    )
    func updateFailure(fault: FaultyFileSystem.Fault) throws {
        try withTemporaryDirectory { root in
            _ = try store(root).deliver(message, flags: ["Old"])
            let receipt = try store(root, fileSystem: FaultyFileSystem(faults: [fault])).deliver(message, flags: ["\\Seen", "Old", "New"])
            #expect(receipt.flagLetters == "Sa")
            #expect(receipt.ignoredFlags.map(\.flag) == ["New"])
            #expect(receipt.ignoredFlags.first?.reason.hasPrefix("cannot update dovecot-keywords: ") == true)
            #expect(keywordFile(root) == "0 Old\n")
            #expect(!entries(root).contains("dovecot-keywords.lock"))
            #expect(entries(root + "/cur").contains(receipt.fileName))
        }
    }

    @Test("a stale lock left by a crash is broken")
    func staleLock() throws {
        try withTemporaryDirectory { root in
            let maildir = store(root)
            try maildir.createMailbox("INBOX")
            let lock = root + "/dovecot-keywords.lock"
            _ = FileManager.default.createFile(atPath: lock, contents: Data("0 half-written".utf8))
            age(lock, secondsAgo: 600)
            let receipt = try maildir.deliver(message, flags: ["Work"])
            #expect(receipt.flagLetters == "a")
            #expect(keywordFile(root) == "0 Work\n")
        }
    }

    @Test("concurrent deliveries adding keywords lose none and duplicate none")
    func concurrentKeywords() async throws {
        let root = try withTemporaryDirectory { $0 + "-keywords" }
        defer { try? FileManager.default.removeItem(atPath: root) }
        let maildir = store(root)
        try maildir.createMailbox("INBOX")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for round in 0..<3 {
                        _ = try maildir.deliver(message, flags: ["t\(task)r\(round)", "shared"])
                    }
                }
            }
            try await group.waitForAll()
        }
        let table = KeywordFile.parse(contents(root + "/dovecot-keywords"))
        #expect(table.count == 25)
        #expect(Set(table.values).count == 25)
        let shared = try #require(table.first { $0.value == "shared" }?.key)
        let sharedLetter = Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(shared)))
        // Every stored file carries two keyword letters: "shared" and its own.
        let files = entries(root + "/cur")
        #expect(files.count == 24)
        var own = Set<Character>()
        for file in files {
            let letters = try #require(file.split(separator: ",").last)
            #expect(letters.count == 2 && letters.contains(sharedLetter), "\(file)")
            own.formUnion(letters.filter { $0 != sharedLetter })
        }
        #expect(own.count == 24)
    }
}
