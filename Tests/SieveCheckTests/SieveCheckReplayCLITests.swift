import Foundation
import Testing

/// `sieve-check replay` as a user runs it, over a small Maildir built per test.
@Suite("sieve-check replay command line")
struct SieveCheckReplayCLITests {
    /// A Maildir with two INBOX messages, one HTML message in `.Entw&APw-rfe` (Entwürfe)
    /// and a broken-folder message, plus the scripts.
    static func maildir() throws -> URL {
        let dir = try SieveCheckCLITests.folder([
            "new.sieve": """
                require ["fileinto", "body", "variables"];
                if body :contains "café" { fileinto "Food"; stop; }
                if header :matches "subject" "broken*" { fileinto "${1}"; }
                """,
            "old.sieve": "require \"fileinto\";\nif header :contains \"subject\" \"menu\" { fileinto \"Menus\"; }\n",
        ])
        let fm = FileManager.default
        for folder in ["md", "md/.Entw&APw-rfe"] {
            for sub in ["cur", "new", "tmp"] {
                try fm.createDirectory(at: dir.appendingPathComponent("\(folder)/\(sub)"), withIntermediateDirectories: true)
            }
        }
        let files = [
            "md/cur/1700000001.M1P1.h:2,S": "Return-Path: <a@example.org>\nSubject: hello\n\nJust saying hi.\n",
            "md/new/1700000002.M2P1.h": "Return-Path: <b@example.org>\nSubject: broken\n\nx\n",
            // The entity is decoded only by a real HTML parser (libxml2), not by the fallback.
            "md/.Entw&APw-rfe/cur/1700000003.M3P1.h:2,": """
                Return-Path: <chef@example.org>\nSubject: menu\nContent-Type: text/html; charset=utf-8\n\n<p>Our caf&eacute; opens</p>\n
                """,
        ]
        for (path, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(path)) }
        return dir
    }

    @Test func tableCountsAndErrors() throws {
        let dir = try Self.maildir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try SieveCheckCLITests.run(["replay", dir.appendingPathComponent("new.sieve").path,
                                              "--maildir", dir.appendingPathComponent("md").path, "--to", "jan@example.net"])
        #expect(out.status == 2)   // one message hit a runtime error
        #expect(out.stdout == """
            messages          3
            → INBOX           2
            → Food            1
            rejects           0
            discards          0
            redirects         0
            vacation replies  0
            errors            1

            """)
        #expect(out.stderr.contains("new/1700000002.M2P1.h: "))
        #expect(out.stderr.contains("fileinto mailbox name is empty"))
    }

    @Test("--config brings the site's before scripts, --before adds more; the multiscript rules apply per message")
    func siteScriptsAroundTheScript() throws {
        let dir = try Self.maildir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let site = dir.appendingPathComponent("site.sieve").path
        try Data("require \"fileinto\";\nif header :contains \"subject\" \"hello\" { fileinto \"Greetings\"; }\n".utf8)
            .write(to: URL(fileURLWithPath: site))
        let archive = dir.appendingPathComponent("archive.sieve").path
        try Data("require [\"fileinto\", \"copy\"];\nfileinto :copy \"Seen-All\";\n".utf8).write(to: URL(fileURLWithPath: archive))
        let config = dir.appendingPathComponent("sluice.toml").path
        try Data("[scripts]\nbefore = [\"\(site)\"]\n".utf8).write(to: URL(fileURLWithPath: config))
        let out = try SieveCheckCLITests.run(["replay", dir.appendingPathComponent("new.sieve").path, "--config", config,
                                              "--before", archive, "--maildir", dir.appendingPathComponent("md").path])
        #expect(out.status == 2, "\(out.stderr)")   // the broken-folder message still fails in the user's script
        let lines = out.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        // hello: the site files it, so nothing after runs; the other two pass the archive script.
        #expect(lines.contains("→ Greetings 1"), "\(out.stdout)")
        #expect(lines.contains("→ Seen-All 2"), "\(out.stdout)")
        #expect(lines.contains("→ Food 1"), "\(out.stdout)")
        #expect(lines.contains("→ INBOX 1"), "\(out.stdout)")
    }

    @Test func diffShowsOnlyChangedMessages() throws {
        let dir = try Self.maildir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try SieveCheckCLITests.run(["replay", dir.appendingPathComponent("new.sieve").path,
                                              "--maildir", dir.appendingPathComponent("md").path,
                                              "--diff", dir.appendingPathComponent("old.sieve").path, "--since", "2023-11-14"])
        #expect(out.stdout == """
            new/1700000002.M2P1.h
              old: implicit keep
              new: implicit keep (after an error)
            .Entw&APw-rfe/cur/1700000003.M3P1.h:2,
              old: fileinto "Menus"
              new: fileinto "Food"
            2 of 3 messages change

            """)
    }

    @Test func jsonAndBadArguments() throws {
        let dir = try Self.maildir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("new.sieve").path
        let maildir = dir.appendingPathComponent("md").path
        let out = try SieveCheckCLITests.run(["replay", script, "--maildir", maildir, "--json", "--per-message"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["destinations"] as? [String: Int] == ["INBOX": 2, "Food": 1])
        let messages = try #require(json["messages"] as? [[String: Any]])
        #expect(messages.map { $0["mailbox"] as? String } == ["INBOX", "INBOX", "Entwürfe"])

        let badDate = try SieveCheckCLITests.run(["replay", script, "--maildir", maildir, "--since", "last week"])
        #expect(badDate.status != 0)
        #expect(badDate.stderr.contains("--since \"last week\" is not a date"))
        let notMaildir = try SieveCheckCLITests.run(["replay", script, "--maildir", dir.path])
        #expect(notMaildir.status == 1)
        #expect(notMaildir.stderr.contains("is not a Maildir: it has no cur/ or new/ directory"))
    }
}
