import Sieve
import Testing
import Tracking
@testable import Delivery
import TrackingSQLite

@Suite("Delivery: the duplicate test's state (RFC 7352)")
struct DuplicateDeliveryTests {
    static let dedupe = """
        require ["duplicate", "fileinto"];
        if duplicate { fileinto "Duplicates"; stop; }
        """

    /// An agent of `site` whose tracking store is `tracking` (kept across agents).
    func agent(_ site: TestSite, tracking: any TrackingStore, store: (any MailStore)? = nil) throws -> DeliveryAgent {
        var services = OutboundServices.unavailable
        services.trackingStore = tracking
        return try DeliveryAgent(configuration: site.configuration, logger: site.log.logger,
                                 userDatabase: ConfiguredUserDatabase(configuration: site.configuration.users),
                                 store: store ?? MaildirMailStore(configuration: site.configuration.storage.maildir),
                                 outbound: services)
    }

    func message(id: String) -> String {
        "From: list@example.com\r\nTo: team@example.org\r\nSubject: Hi\r\nMessage-ID: <\(id)@example.com>\r\n\r\nBody.\r\n"
    }

    @Test("the second copy of a Message-ID is a duplicate for that user only; another Message-ID is not")
    func secondCopyIsDuplicate() async throws {
        let site = try TestSite()
        try site.script("ann", Self.dedupe)
        try site.script("bob", Self.dedupe)
        let agent = try agent(site, tracking: InMemoryTrackingStore())
        let first = await agent.deliver(transaction(["ann@example.org"], message: message(id: "a")))
        let again = await agent.deliver(transaction(["ann@example.org", "bob@example.org"], id: "TX2", message: message(id: "a")))
        let other = await agent.deliver(transaction(["ann@example.org"], id: "TX3", message: message(id: "b")))
        #expect(first.map { $0.copies.map(\.mailbox) } == [["INBOX"]])
        #expect(again.map { $0.copies.map(\.mailbox) } == [["Duplicates"], ["INBOX"]])
        #expect(other.map { $0.copies.map(\.mailbox) } == [["INBOX"]])
    }

    @Test("a delivery answered with a temporary failure records nothing, so the MTA's retry is not a duplicate")
    func deferredRecordsNothing() async throws {
        let site = try TestSite()
        try site.script("cat", Self.dedupe)
        let tracking = InMemoryTrackingStore()
        let failing = FaultyStore(site.configuration, faults: ["cat/INBOX": StoreFailure(.io, "disk on fire")])
        let deferred = try await agent(site, tracking: tracking, store: failing).deliver(transaction(["cat@example.org"]))
        #expect(deferred.map(\.disposition) == [.deferred])
        let retry = try await agent(site, tracking: tracking).deliver(transaction(["cat@example.org"]))
        #expect(retry.map { $0.copies.map(\.mailbox) } == [["INBOX"]])
        let third = try await agent(site, tracking: tracking).deliver(transaction(["cat@example.org"]))
        #expect(third.map { $0.copies.map(\.mailbox) } == [["Duplicates"]])
    }

    @Test("the SQLite tracking database keeps the values across a restart")
    func sqliteAcrossRestart() async throws {
        let site = try TestSite()
        try site.script("dan", """
            require ["duplicate", "fileinto"];
            if duplicate :header "X-Ticket" :handle "tickets" :seconds 3600 { discard; stop; }
            fileinto "Tickets";
            """)
        let path = site.dir.file("tracking.sqlite")
        let ticket = "From: a@example.com\r\nX-Ticket: T-1\r\nSubject: x\r\n\r\nBody.\r\n"
        let first = try await agent(site, tracking: SQLiteTrackingStore(path: path))
            .deliver(transaction(["dan@example.org"], message: ticket))
        let second = try await agent(site, tracking: SQLiteTrackingStore(path: path))
            .deliver(transaction(["dan@example.org"], id: "TX2", message: ticket))
        #expect(first.map { $0.copies.map(\.mailbox) } == [["Tickets"]])
        #expect(second.map(\.disposition) == [.discarded])
        #expect(second.map(\.copies.isEmpty) == [true])
    }
}
