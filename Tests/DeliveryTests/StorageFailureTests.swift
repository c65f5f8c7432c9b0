import MailCore
import Testing
@testable import Delivery

@Suite("Delivery: storage failures and the INBOX fallback (RFC 3463 §3.2, §3.4)")
struct StorageFailureTests {
    @Test("fileinto a missing folder without create falls back to INBOX")
    func missingFolderFallsBack() async throws {
        var site = try TestSite()
        site.configuration.storage.createMissingFolders = false
        try site.script("kim", "require [\"fileinto\", \"imap4flags\"]; fileinto :flags \"\\\\Seen\" \"Nope\";")
        let outcomes = try await site.agent().deliver(transaction(["kim@example.org"]))
        let outcome = try #require(outcomes.first)
        #expect(outcome.reply.code == 250)
        #expect(outcome.copies.map(\.mailbox) == ["INBOX"])
        #expect(outcome.notes.contains { $0.contains("fileinto \"Nope\" failed") && $0.contains("goes to INBOX") })
        // The fallback copy keeps the flags of the failed fileinto.
        let files = site.messages("kim")
        try #require(files.count == 1)
        #expect(files[0].hasSuffix(":2,S"))
    }

    @Test("fileinto with an invalid mailbox name falls back to INBOX")
    func invalidNameFallsBack() async throws {
        let site = try TestSite()
        try site.script("lee", "require \"fileinto\"; fileinto \"bad//name\"; fileinto \"Good\";")
        let outcome = try #require(try await site.agent().deliver(transaction(["lee@example.org"])).first)
        #expect(outcome.reply.code == 250)
        #expect(outcome.copies.map(\.mailbox) == ["Good", "INBOX"])
        #expect(site.messages("lee").count == 1)
        #expect(site.messages("lee", ".Good").count == 1)
    }

    @Test("an I/O error on fileinto falls back to INBOX; two failures give one INBOX copy")
    func ioErrorFallsBack() async throws {
        let site = try TestSite()
        try site.script("max", "require \"fileinto\"; fileinto \"A\"; fileinto \"B\";")
        let store = FaultyStore(site.configuration, faults: [
            "max/A": StoreFailure(.io, "write failed: Input/output error (errno 5)"),
            "max/B": StoreFailure(.io, "fsync failed: Input/output error (errno 5)"),
        ])
        let outcome = try #require(try await site.agent(store: store).deliver(transaction(["max@example.org"])).first)
        #expect(outcome.reply.code == 250)
        #expect(outcome.copies.map(\.mailbox) == ["INBOX"])
        #expect(outcome.notes.filter { $0.contains("goes to INBOX") }.count == 2)
        #expect(site.messages("max").count == 1)
    }

    @Test("over quota answers 452 4.2.2, or 552 5.2.2 when configured permanent", arguments: OverQuotaReply.allCases)
    func overQuota(policy: OverQuotaReply) async throws {
        var site = try TestSite()
        site.configuration.storage.overQuotaReply = policy
        site.configuration.users.table = ["full@example.org": UserEntry(quota: Quota(maximumBytes: 100))]
        let outcomes = try await site.agent().deliver(transaction(["full@example.org", "ok@example.org"]))
        #expect(outcomes.map(\.reply.code) == [policy == .temporary ? 452 : 552, 250])
        #expect(outcomes[0].reply.status.description == (policy == .temporary ? "4.2.2" : "5.2.2"))
        #expect(outcomes[0].disposition == (policy == .temporary ? .deferred : .failed))
        #expect(outcomes[0].reply.lines.joined().contains("mailbox full"))
        #expect(site.messages("full").isEmpty)
        #expect(site.messages("ok").count == 1)
    }

    @Test("over quota on a fileinto is not masked by the INBOX fallback")
    func overQuotaFileinto() async throws {
        var site = try TestSite()
        site.configuration.users.defaultQuota = Quota(maximumMessages: 0)
        try site.script("nia", "require \"fileinto\"; fileinto \"Lists\";")
        let outcome = try #require(try await site.agent().deliver(transaction(["nia@example.org"])).first)
        #expect(outcome.reply.code == 452)
        #expect(outcome.reply.status == .mailboxFull)
        #expect(outcome.copies.isEmpty)
    }

    struct FaultCase: Sendable, CustomStringConvertible {
        var failure: StoreFailure
        var code: Int
        var status: EnhancedStatusCode
        var description: String { "\(failure.kind) → \(code) \(status)" }
    }

    @Test("a disk-full or I/O failure for ONE recipient leaves the others delivered", arguments: [
        FaultCase(failure: StoreFailure(.diskFull, "write failed: No space left on device (errno 28)"),
                  code: 452, status: .systemFull),
        FaultCase(failure: StoreFailure(.io, "link failed: Input/output error (errno 5)"),
                  code: 451, status: .temporarySystemFailure),
        FaultCase(failure: StoreFailure(.messageUnreadable, "could not read the message: spool vanished"),
                  code: 451, status: .temporarySystemFailure),
    ])
    func oneRecipientFails(example: FaultCase) async throws {
        let site = try TestSite()
        let store = FaultyStore(site.configuration, faults: ["bad/INBOX": example.failure])
        let outcomes = try await site.agent(store: store).deliver(transaction([
            "good1@example.org", "bad@example.org", "good2@example.org",
        ]))
        #expect(outcomes.map(\.reply.code) == [250, example.code, 250])
        #expect(outcomes[1].reply.status == example.status)
        #expect(outcomes[1].disposition == .deferred)
        #expect(outcomes[1].reply.lines.joined().contains(example.failure.message))
        #expect(site.messages("good1").count == 1)
        #expect(site.messages("good2").count == 1)
        #expect(site.messages("bad").isEmpty)
        let line = site.log.records.first { $0.metadata["rcpt"] == "bad@example.org" }
        #expect(line?.level == .warning)
    }

    @Test("one failed store among several fileinto targets makes the reply a failure")
    func partialFailure() async throws {
        let site = try TestSite()
        try site.script("oz", "require \"fileinto\"; fileinto \"A\"; keep;")
        let store = FaultyStore(site.configuration, faults: [
            "oz/INBOX": StoreFailure(.diskFull, "write failed: No space left on device (errno 28)"),
        ])
        let outcome = try #require(try await site.agent(store: store).deliver(transaction(["oz@example.org"])).first)
        #expect(outcome.reply.code == 452)
        #expect(outcome.copies.map(\.mailbox) == ["A"])
        #expect(outcome.notes.contains { $0.contains("already stored") })
    }

    @Test("the real store's errors are classified for the reply")
    func maildirErrorMapping() async throws {
        var site = try TestSite()
        // A Maildir root that cannot be created: its parent is a file.
        try site.dir.write("mail/pat", "not a directory")
        site.configuration.users.maildirTemplate = site.dir.path + "/mail/%n/Maildir"
        let outcome = try #require(try await site.agent().deliver(transaction(["pat@example.org"])).first)
        #expect(outcome.reply.code == 451)
        #expect(outcome.reply.status == .temporarySystemFailure)
        // The reply does not show the server's path to the Maildir.
        #expect(!outcome.reply.lines.joined().contains(site.dir.path + "/mail/pat/Maildir"))
    }
}
