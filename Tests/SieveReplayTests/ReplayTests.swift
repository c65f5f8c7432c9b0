import Foundation
import MailCore
import Sieve
import SieveReplay
import Testing

private func compile(_ source: String) throws -> CompiledScript {
    let compiled = SieveCompiler.compile(source, file: "replay.sieve")
    return try #require(compiled.script, "\(compiled.diagnostics)")
}

/// Counts the summary the replay script must produce for `kinds`.
private func expectedSummary(_ kinds: some Collection<MessageKind>) -> ReplaySummary {
    var s = ReplaySummary()
    s.messages = kinds.count
    for kind in kinds {
        switch kind {
        case .spam: s.destinations["Junk", default: 0] += 1
        case .blocked: s.discards += 1
        case .rejected: s.rejects += 1
        case .list: s.destinations["Lists/swift", default: 0] += 1
        case .forwarded: s.redirects += 1
        case .urgent:
            s.vacations += 1
            s.destinations["INBOX", default: 0] += 1
        case .plain: s.destinations["INBOX", default: 0] += 1
        case .brokenFolder:
            s.errors += 1
            s.destinations["INBOX", default: 0] += 1
        }
    }
    return s
}

@Suite("sieve-check replay over a generated Maildir")
struct MaildirReplayTests {
    @Test func countsEveryOutcomeExactlyAndChangesNothing() throws {
        let maildir = try GeneratedMaildir(count: 300, seed: 0x5EED)
        defer { maildir.remove() }
        let before = try maildir.snapshot()

        let replay = MaildirReplay(root: maildir.root.path, owner: "jan@example.net")
        let files = try replay.files()
        #expect(files.count == 300)
        #expect(Set(files.map(\.relativePath)) == Set(maildir.kinds.keys))
        var progressCalls = 0
        let report = try #require(replay.run([try compile(GeneratedMaildir.script)], files: files) { done, total in
            progressCalls += 1
            #expect(done <= total)
        }.first)
        #expect(progressCalls == 300)
        #expect(report.summary == expectedSummary(maildir.kinds.values))
        // Every kind occurs, so each counter above was really exercised.
        #expect(Set(maildir.kinds.values).count == MessageKind.allCases.count)

        let after = try maildir.snapshot()
        #expect(after == before)
    }

    @Test("a site before script runs ahead of the replayed script, under the multiscript rules")
    func beforeScriptRunsFirst() throws {
        let maildir = try GeneratedMaildir(count: 60, seed: 0xB4)
        defer { maildir.remove() }
        var replay = MaildirReplay(root: maildir.root.path, owner: "jan@example.net")
        // Every message is archived by the site; spam is filed by the site and never
        // reaches the user's script, which files everything else into "Mine".
        replay.before = [.compiled(name: "site.sieve", script: try compile(
            "require [\"fileinto\", \"copy\"]; fileinto :copy \"Archive\";\n"
                + "if header :contains \"subject\" \"[spam]\" { fileinto \"Site-Junk\"; }"))]
        let report = try #require(replay.run([try compile("require \"fileinto\"; fileinto \"Mine\";")],
                                             files: try replay.files()).first)
        let spam = maildir.kinds.values.filter { $0 == .spam }.count
        #expect(spam > 0)
        #expect(report.summary.destinations["Archive"] == 60)
        #expect(report.summary.destinations["Site-Junk"] == spam)
        #expect(report.summary.destinations["Mine"] == 60 - spam)
    }

    @Test func foldersAreNamedFromTheirDirectories() throws {
        let maildir = try GeneratedMaildir(count: 200, seed: 7)
        defer { maildir.remove() }
        let files = try MaildirReplay(root: maildir.root.path, owner: "jan@example.net").files()
        let byMailbox = Dictionary(grouping: files, by: \.mailbox).mapValues(\.count)
        #expect(Set(byMailbox.keys).isSubset(of: ["INBOX", "Lists/swift", "Entwürfe", "Junk"]))
        for file in files {
            let folder = file.relativePath.hasPrefix(".") ? String(file.relativePath.prefix { $0 != "/" }) : ""
            let expected = ["": "INBOX", ".Lists.swift": "Lists/swift", ".Entw&APw-rfe": "Entwürfe", ".Junk": "Junk"][folder]
            #expect(file.mailbox == expected)
        }
    }

    @Test func sinceFiltersByUniqueNameElseModificationTime() throws {
        let maildir = try GeneratedMaildir(count: 240, seed: 99)
        defer { maildir.remove() }
        let cut = GeneratedMaildir.baseTime + 150 * 3600
        let files = try MaildirReplay(root: maildir.root.path, owner: "x@example.net", since: cut).files()
        let expected = Set(maildir.times.filter { $0.value >= cut }.keys)
        #expect(Set(files.map(\.relativePath)) == expected)
        #expect(expected.count == 90)
        #expect(files.contains { $0.relativePath.contains("legacy-message") })
    }

    @Test func diffListsOnlyChangedMessages() throws {
        let maildir = try GeneratedMaildir(count: 250, seed: 2024)
        defer { maildir.remove() }
        let newScript = GeneratedMaildir.script.replacingOccurrences(of: "fileinto \"Junk\"; stop;", with: "discard; stop;")
        let replay = MaildirReplay(root: maildir.root.path, owner: "jan@example.net")
        let files = try replay.files()
        let reports = replay.run([try compile(GeneratedMaildir.script), try compile(newScript)], files: files)
        let changes = MaildirReplay.changes(from: reports[0], to: reports[1])
        let spam = Set(maildir.kinds.filter { $0.value == .spam }.keys)
        #expect(Set(changes.map(\.file)) == spam)
        for change in changes {
            #expect(change.old.actionSummary == "fileinto \"Junk\"")
            #expect(change.new.actionSummary == "discard")
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ReplayJSON.diff(changes, messages: files.count).utf8)) as? [String: Any])
        #expect(json["messages"] as? Int == 250)
        #expect(json["changed"] as? Int == spam.count)
        let first = try #require((json["changes"] as? [[String: Any]])?.first)
        let newActions = try #require((first["new"] as? [String: Any])?["actions"] as? [[String: Any]])
        #expect(newActions.first?["action"] as? String == "discard")
    }

    @Test func jsonReportCarriesTheSummary() throws {
        let maildir = try GeneratedMaildir(count: 200, seed: 11)
        defer { maildir.remove() }
        let replay = MaildirReplay(root: maildir.root.path, owner: "jan@example.net")
        let report = try #require(replay.run([try compile(GeneratedMaildir.script)], files: try replay.files()).first)
        let text = ReplayJSON.report(report, perMessage: true)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let summary = try #require(json["summary"] as? [String: Any])
        let expected = expectedSummary(maildir.kinds.values)
        #expect(summary["messages"] as? Int == 200)
        #expect(summary["destinations"] as? [String: Int] == expected.destinations)
        #expect(summary["rejects"] as? Int == expected.rejects)
        #expect(summary["discards"] as? Int == expected.discards)
        #expect(summary["redirects"] as? Int == expected.redirects)
        #expect(summary["vacations"] as? Int == expected.vacations)
        #expect(summary["errors"] as? Int == expected.errors)
        let messages = try #require(json["messages"] as? [[String: Any]])
        #expect(messages.count == 200)
        #expect(!ReplayJSON.report(report, perMessage: false).contains("\"messages\":["))
    }

    @Test func notAMaildirIsAClearError() {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-maildir-\(UUID().uuidString)").path
        #expect(throws: Error.self) { try MaildirScan.messages(in: path) }
        do {
            _ = try MaildirScan.messages(in: path)
        } catch {
            #expect(error.description == "\(path) is not a Maildir: it has no cur/ or new/ directory")
        }
    }

    @Test func envelopeFromReturnPathAndDeliveredToElseOwner() {
        let replay = MaildirReplay(root: "/nonexistent", owner: "owner@example.net")
        let with = Message("Return-Path: <a@b.example>\r\nDelivered-To: jan@example.net\r\n\r\nx\r\n")
        #expect(replay.envelope(for: with) == SieveEnvelope(from: "a@b.example", to: "jan@example.net"))
        let without = Message("Return-Path: <>\r\nFrom: c@d.example\r\n\r\nx\r\n")
        #expect(replay.envelope(for: without) == SieveEnvelope(from: "", to: "owner@example.net"))
    }
}

@Suite("sieve-check replay helpers")
struct ReplayHelperTests {
    @Test(arguments: [
        ("2024-02-29", 1_709_164_800),
        ("1970-01-01", 0),
        ("2024-02-29T12:30Z", 1_709_209_800),
        ("2024-02-29T12:30:15Z", 1_709_209_815),
        ("1700000000", 1_700_000_000),
    ])
    func parsesDates(_ text: String, _ expected: Int) {
        #expect(ReplayDate.parse(text) == expected)
    }

    @Test(arguments: ["", "yesterday", "2024-13-01", "2024-02-29T25:00Z", "2024-02-29T12:30", "24-02-29"])
    func rejectsOtherDates(_ text: String) {
        #expect(ReplayDate.parse(text) == nil)
    }

    @Test(arguments: [
        ("1700000000.M1P2.host:2,S", 1_700_000_000 as Int?),
        ("1700000000.M1P2.host", 1_700_000_000),
        ("legacy-1", nil),
        ("1700000000", nil),
    ])
    func deliveryTimeFromUniqueName(_ name: String, _ expected: Int?) {
        #expect(MaildirScan.deliveryTime(uniqueName: name) == expected)
    }

    @Test(arguments: [(".Lists.swift", "Lists/swift"), (".Entw&APw-rfe", "Entwürfe"), (".Junk", "Junk"), (".Bad&-x&", "Bad&-x&")])
    func folderNames(_ directory: String, _ expected: String) {
        #expect(MaildirScan.mailboxName(ofDirectory: directory) == expected)
    }

    @Test func tableLayout() {
        var s = ReplaySummary()
        s.messages = 12
        s.destinations = ["INBOX": 7, "Junk": 3]
        s.discards = 2
        #expect(s.table == """
            messages          12
            → INBOX            7
            → Junk             3
            rejects            0
            discards           2
            redirects          0
            vacation replies   0
            errors             0
            """)
    }
}
