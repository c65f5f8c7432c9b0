import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Maildir

/// A message of exactly `size` bytes on disk in LF mode (no line ends to convert).
private func message(size: Int) -> [[UInt8]] {
    [Array(repeating: UInt8(ascii: "m"), count: size)]
}

private func maildirsize(_ root: String) -> String {
    String(decoding: contents(root + "/maildirsize"), as: UTF8.self)
}

private func write(_ text: String, to path: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

@Suite("Maildir++ maildirsize format (README.maildirquota)")
struct MaildirSizeFormatTests {
    @Test(
        "parses header and usage lines",
        arguments: [
            ("1000S,10C\n0 0\n", MaildirSizeFile.Contents(header: "1000S,10C", usage: QuotaUsage(bytes: 0, messages: 0), usageLines: 1)),
            ("1000S\n  500     5\n100 1\n-50 -1\n", MaildirSizeFile.Contents(header: "1000S", usage: QuotaUsage(bytes: 550, messages: 5), usageLines: 3)),
            ("10C\n", MaildirSizeFile.Contents(header: "10C", usage: QuotaUsage(bytes: 0, messages: 0), usageLines: 0)),
        ]
    )
    func parse(text: String, expected: MaildirSizeFile.Contents) {
        #expect(MaildirSizeFile.parse(Array(text.utf8)) == expected)
    }

    @Test("refuses malformed files", arguments: ["", "1000S\n100 1", "1000S\n100\n", "1000S\nabc 1\n", "1000S\n1 2 3\n", "1000S\n\n"])
    func malformed(text: String) {
        #expect(MaildirSizeFile.parse(Array(text.utf8)) == nil)
    }

    @Test(
        "reads the size from ,S= in file names",
        arguments: [
            ("1700000000.M1P2Q3.mx,S=42,W=44:2,S", Int64(42)),
            ("1700000000.M1P2Q3.mx,S=7", 7),
            ("1700000000.M1P2Q3.mx:2,S", nil),
            ("1700000000.M1P2Q3.mx,S=:2,", nil),
        ]
    )
    func sizeInName(name: String, size: Int64?) {
        #expect(MaildirSizeFile.sizeInName(name) == size)
    }

    @Test("header lists the configured limits", arguments: [
        (MaildirQuota(bytes: 1000, messages: 10), "1000S,10C"),
        (MaildirQuota(bytes: 1000), "1000S"),
        (MaildirQuota(messages: 10), "10C"),
    ])
    func header(quota: MaildirQuota, header: String) {
        #expect(MaildirSizeFile.header(for: quota) == header)
    }
}

@Suite("Maildir++ quota enforcement")
struct QuotaTests {
    @Test("under quota: delivered, maildirsize created and appended")
    func under() throws {
        try withTemporaryDirectory { root in
            let maildir = store(root, quota: MaildirQuota(bytes: 1000, messages: 10))
            _ = try maildir.deliver(message(size: 100))
            #expect(maildirsize(root) == "1000S,10C\n0 0\n100 1\n")
            _ = try maildir.deliver(message(size: 50))
            #expect(maildirsize(root) == "1000S,10C\n0 0\n100 1\n50 1\n")
            #expect(try maildir.quotaUsage() == QuotaUsage(bytes: 150, messages: 2))
        }
    }

    @Test("exactly at the byte limit is allowed; one byte over is refused")
    func bytesLimit() throws {
        try withTemporaryDirectory { root in
            let maildir = store(root, quota: MaildirQuota(bytes: 300))
            _ = try maildir.deliver(message(size: 100))
            _ = try maildir.deliver(message(size: 200))
            #expect(throws: MaildirError.quotaExceeded(QuotaExceeded(limit: .bytes, maximum: 300, used: 300, adding: 1))) {
                try maildir.deliver(message(size: 1))
            }
            #expect(entries(root + "/new").count == 2)
            #expect(entries(root + "/tmp").isEmpty)
        }
    }

    @Test("a single message larger than the remaining bytes is refused")
    func overByBytes() throws {
        try withTemporaryDirectory { root in
            let maildir = store(root, quota: MaildirQuota(bytes: 1000))
            _ = try maildir.deliver(message(size: 600))
            let error = try #require(throws: MaildirError.self) { try maildir.deliver(message(size: 401)) }
            #expect(error == .quotaExceeded(QuotaExceeded(limit: .bytes, maximum: 1000, used: 600, adding: 401)))
            #expect(error.description == "over quota: 600 bytes used + 401 bytes for this message exceeds the limit of 1000 bytes")
            _ = try maildir.deliver(message(size: 400))
        }
    }

    @Test("the message count limit: at the limit allowed, one more refused")
    func overByCount() throws {
        try withTemporaryDirectory { root in
            let maildir = store(root, quota: MaildirQuota(bytes: 1_000_000, messages: 2))
            _ = try maildir.deliver(message(size: 10))
            _ = try maildir.deliver(message(size: 10), to: "Junk", createIfMissing: true)
            #expect(throws: MaildirError.quotaExceeded(QuotaExceeded(limit: .messages, maximum: 2, used: 2, adding: 1))) {
                try maildir.deliver(message(size: 10))
            }
            #expect(entries(root + "/new").count == 1)
            #expect(entries(root + "/tmp").isEmpty)
        }
    }

    @Test("a missing maildirsize is recalculated from every folder, Trash included, stat-ing names without S=")
    func recalculateMissing() throws {
        try withTemporaryDirectory { root in
            let plain = store(root)
            _ = try plain.deliver(message(size: 100))
            _ = try plain.deliver(message(size: 20), to: "Trash", createIfMissing: true)
            _ = try plain.deliver(message(size: 30), to: "Lists/swift", flags: ["\\Seen"], createIfMissing: true)
            try write(String(repeating: "z", count: 7), to: root + "/cur/1700000000.M1P1Q1.other:2,S")
            #expect(!entries(root).contains("maildirsize"))

            let limited = store(root, quota: MaildirQuota(bytes: 10_000))
            #expect(try limited.quotaUsage() == QuotaUsage(bytes: 157, messages: 4))
            #expect(maildirsize(root) == "10000S\n157 4\n")
            #expect(entries(root + "/tmp").isEmpty)
        }
    }

    @Test(
        "a corrupt, oversized or outdated maildirsize is recalculated",
        arguments: [
            "garbage",
            "10000S\n100 1",
            "500S\n0 0\n",
            "10000S\n" + String(repeating: "99999 1\n", count: 700),
        ]
    )
    func recalculateBad(existing: String) throws {
        try withTemporaryDirectory { root in
            let maildir = store(root, quota: MaildirQuota(bytes: 10_000))
            _ = try maildir.deliver(message(size: 100))
            try write(existing, to: root + "/maildirsize")
            #expect(try maildir.quotaUsage() == QuotaUsage(bytes: 100, messages: 1))
            #expect(maildirsize(root) == "10000S\n100 1\n")
        }
    }

    @Test("an over-quota answer from a fresh one-line file stands; from a 15-minute-old file it is rechecked")
    func staleOverQuota() throws {
        try withTemporaryDirectory { root in
            let maildir = store(root, quota: MaildirQuota(bytes: 1000))
            try maildir.createMailbox("INBOX")
            // The file claims 900 bytes; the Maildir is in fact empty.
            try write("1000S\n900 9\n", to: root + "/maildirsize")
            #expect(throws: MaildirError.quotaExceeded(QuotaExceeded(limit: .bytes, maximum: 1000, used: 900, adding: 200))) {
                try maildir.deliver(message(size: 200))
            }
            age(root + "/maildirsize", secondsAgo: 16 * 60)
            _ = try maildir.deliver(message(size: 200))
            #expect(maildirsize(root) == "1000S\n0 0\n200 1\n")
        }
    }

    @Test("an over-quota answer from a file with several usage lines is rechecked at once")
    func severalLinesOverQuota() throws {
        try withTemporaryDirectory { root in
            let maildir = store(root, quota: MaildirQuota(bytes: 1000))
            try maildir.createMailbox("INBOX")
            try write("1000S\n0 0\n900 9\n", to: root + "/maildirsize")
            _ = try maildir.deliver(message(size: 200))
            #expect(maildirsize(root) == "1000S\n0 0\n200 1\n")
        }
    }

    @Test("without limits no maildirsize is written")
    func unlimited() throws {
        try withTemporaryDirectory { root in
            _ = try store(root).deliver(message(size: 10))
            #expect(!entries(root).contains("maildirsize"))
        }
    }
}
