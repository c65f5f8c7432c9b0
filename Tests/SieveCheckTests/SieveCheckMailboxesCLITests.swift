import Foundation
import Testing

@Suite("sieve-check run --maildir: folders, special uses, ids and annotations from a Maildir")
struct SieveCheckMailboxesCLITests {
    @Test("--maildir answers mailboxexists, specialuse_exists, :specialuse, :mailboxid and metadata from the Maildir's files")
    func maildir() throws {
        let dir = try SieveCheckCLITests.folder([
            "s.sieve": """
                require ["fileinto", "mailbox", "special-use", "mailboxid", "mboxmetadata"];
                if metadata "INBOX" "/private/away" "on" { fileinto :mailboxid "F42" "NoSuchId"; }
                if specialuse_exists "Spam" "\\\\Junk" { fileinto :specialuse "\\\\Junk" "Junk"; }
                if mailboxexists "Nope" { fileinto "Nope"; }
                """,
            "msg.eml": SieveCheckCLITests.message,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let maildir = dir.appendingPathComponent("Maildir")
        for folder in ["cur", ".Spam/cur", ".Lists.swift/cur"] {
            try FileManager.default.createDirectory(at: maildir.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try Data("\\Junk Spam\n".utf8).write(to: maildir.appendingPathComponent("sluice-special-use"))
        try Data("F42\n".utf8).write(to: maildir.appendingPathComponent(".Lists.swift/sluice-mailboxid"))
        try Data("/private/away on\n".utf8).write(to: maildir.appendingPathComponent("sluice-metadata"))
        let arguments = ["run", dir.appendingPathComponent("s.sieve").path, dir.appendingPathComponent("msg.eml").path]
        let withMaildir = try SieveCheckCLITests.run(arguments + ["--maildir", maildir.path])
        #expect(withMaildir.status == 0, "\(withMaildir.stderr)")
        #expect(withMaildir.stdout.contains("fileinto \"Lists/swift\"\n  fileinto \"Spam\"\n"), "\(withMaildir.stdout)")
        #expect(!withMaildir.stdout.contains("Nope"), "\(withMaildir.stdout)")
        // Without a Maildir every mailbox exists and none has attributes.
        let without = try SieveCheckCLITests.run(arguments)
        #expect(without.stdout.contains("fileinto \"Nope\""), "\(without.stdout)")
        #expect(!without.stdout.contains("Spam"), "\(without.stdout)")
    }
}
