import MailCore
import Foundation
import Submission
import Synchronization
import Testing
import Tracking
@testable import Delivery
import TrackingSQLite

/// Records what it is asked to submit; fails while `failing` is set.
final class RecordingSubmitter: MessageSubmitter {
    struct Submitted: Sendable {
        var from: String
        var recipients: [String]
        var message: String
    }

    private let state = Mutex<(submitted: [Submitted], failing: Bool)>(([], false))

    var submitted: [Submitted] { state.withLock { $0.submitted } }

    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

    func submit(envelopeFrom: String, recipients: [String], message: [UInt8]) async throws(SubmissionError)
        -> SubmissionReceipt
    {
        let failing = state.withLock { $0.failing }
        if failing {
            throw SubmissionError(stage: .connect, code: .connectionFailed, isTransient: true, detail: "test relay is down")
        }
        state.withLock {
            $0.submitted.append(Submitted(from: envelopeFrom, recipients: recipients,
                                          message: String(decoding: message, as: UTF8.self)))
        }
        return SubmissionReceipt(recipients: recipients.map { Submission.RecipientOutcome(address: $0, status: .accepted) })
    }
}

extension TestSite {
    func agent(store: (any MailStore)? = nil, submitter: RecordingSubmitter) throws -> DeliveryAgent {
        try DeliveryAgent(configuration: configuration, logger: log.logger,
                          userDatabase: ConfiguredUserDatabase(configuration: configuration.users),
                          store: store ?? MaildirMailStore(configuration: configuration.storage.maildir),
                          outbound: OutboundServices(submitter: submitter, trackingStore: InMemoryTrackingStore()))
    }
}

/// A message addressed to `user@example.org`, so vacation may answer it.
func addressed(to user: String) -> String {
    "From: Sender <sender@example.com>\r\nTo: \(user)@example.org\r\nSubject: Hello\r\n"
        + "Message-ID: <\(UUID().uuidString)@example.com>\r\n\r\nBody.\r\n"
}

@Suite("Delivery: nothing is sent before the recipient's own outcome is decided (RFC 5230 §4, RFC 5228 §4.2)")
struct OutboundDeliveryTests {
    static let both = """
        require ["vacation", "copy"];
        vacation "Away.";
        redirect :copy "other@example.net";
        """

    @Test("a store that fails (451/452) sends neither the vacation reply nor the redirect")
    func storeFails() async throws {
        let site = try TestSite()
        try site.script("max", Self.both)
        let submitter = RecordingSubmitter()
        let store = FaultyStore(site.configuration, faults: ["max/*": StoreFailure(.diskFull, "No space left on device")])
        let outcomes = try await site.agent(store: store, submitter: submitter)
            .deliver(transaction(["max@example.org"], message: addressed(to: "max")))
        #expect(outcomes.first?.reply.code == 452)
        #expect(submitter.submitted.isEmpty)
        #expect(outcomes.first?.vacationResult == nil)
    }

    @Test("a rejected message sends nothing; a stored one sends both, vacation with envelope <>")
    func rejectedAndStored() async throws {
        var site = try TestSite()
        // A global script rejects; the user's own script asks for a vacation reply.
        site.configuration.scripts.before = [try site.dir.write("global/reject.sieve",
                                                                "require \"reject\";\nif address :is \"to\" \"rex@example.org\" { reject \"No.\"; }\n")]
        try site.script("rex", "require \"vacation\";\nvacation \"Away.\";\n")
        try site.script("max", Self.both)
        let submitter = RecordingSubmitter()
        let agent = try site.agent(submitter: submitter)
        let rejected = await agent.deliver(transaction(["rex@example.org"], message: addressed(to: "rex")))
        #expect(rejected.first?.reply.code == 550)
        #expect(submitter.submitted.isEmpty)

        let stored = await agent.deliver(transaction(["max@example.org"], message: addressed(to: "max")))
        #expect(stored.first?.reply.code == 250)
        #expect(stored.first?.disposition == .stored)
        let sent = submitter.submitted.sorted { $0.from < $1.from }
        #expect(sent.map(\.from) == ["", "sender@example.com"])
        #expect(sent.map(\.recipients) == [["sender@example.com"], ["other@example.net"]])
        #expect(stored.first?.vacationResult == "sent to <sender@example.com>")
        #expect(stored.first?.redirectResults == ["<other@example.net> sent"])
    }

    @Test("a vacation reply that could not be submitted is forgotten, so the sender's next message gets one")
    func failedVacationForgotten() async throws {
        let site = try TestSite()
        try site.script("max", "require \"vacation\";\nvacation :days 7 \"Away.\";\n")
        let submitter = RecordingSubmitter()
        let agent = try site.agent(submitter: submitter)
        submitter.setFailing(true)
        let first = await agent.deliver(transaction(["max@example.org"], message: addressed(to: "max")))
        #expect(first.first?.reply.code == 250, "a failed vacation reply never fails the delivery")
        #expect(first.first?.vacationResult?.hasPrefix("failed: ") == true)
        #expect(first.first?.notes.contains { $0.hasPrefix("vacation reply failed: ") } == true)
        submitter.setFailing(false)
        let second = await agent.deliver(transaction(["max@example.org"], message: addressed(to: "max")))
        #expect(second.first?.vacationResult == "sent to <sender@example.com>")
        let third = await agent.deliver(transaction(["max@example.org"], message: addressed(to: "max")))
        #expect(third.first?.vacationResult?.hasPrefix("not sent: already replied") == true)
        #expect(submitter.submitted.count == 1)
    }

    @Test("a redirect refused as a loop falls back to INBOX even with redirect_failure = tempfail")
    func loopKeptEvenWithTempfail() async throws {
        var site = try TestSite()
        site.configuration.outbound.redirectFailure = .tempfail
        try site.script("max", "redirect \"other@example.net\";")
        let submitter = RecordingSubmitter()
        let looped = "X-Sieve-Redirected-From: <max@example.org>\r\n" + addressed(to: "max")
        let outcomes = try await site.agent(submitter: submitter)
            .deliver(transaction(["max@example.org"], message: looped))
        #expect(outcomes.first?.reply.code == 250)
        #expect(outcomes.first?.copies.map(\.mailbox) == ["INBOX"])
        #expect(outcomes.first?.redirectResults.first?.hasPrefix("<other@example.net> refused: mail loop") == true)
        #expect(submitter.submitted.isEmpty)
    }

    @Test("a tracking database that cannot be opened: the vacation reply fails (logged), the redirect is kept, 250")
    func trackingUnavailable() async throws {
        let site = try TestSite()
        try site.script("max", "require \"vacation\";\nvacation \"Away.\";\nredirect \"other@example.net\";\n")
        let submitter = RecordingSubmitter()
        let services = OutboundServices(submitter: submitter,
                                        trackingStore: SQLiteTrackingStore(path: "/proc/sluice-no-such-place/t.sqlite"))
        let agent = try DeliveryAgent(configuration: site.configuration, logger: site.log.logger,
                                      userDatabase: ConfiguredUserDatabase(configuration: site.configuration.users),
                                      store: MaildirMailStore(configuration: site.configuration.storage.maildir),
                                      outbound: services)
        let outcomes = await agent.deliver(transaction(["max@example.org"], message: addressed(to: "max")))
        #expect(outcomes.first?.reply.code == 250)
        #expect(outcomes.first?.copies.map(\.mailbox) == ["INBOX"])
        #expect(outcomes.first?.vacationResult?.contains("cannot create the folder /proc/sluice-no-such-place") == true)
        #expect(outcomes.first?.redirectResults.first?.hasPrefix("<other@example.net> failed: tracking store: ") == true)
        #expect(submitter.submitted.isEmpty)
    }
}
