import Foundation
import MailCore
import Sieve
import Testing
import Tracking

@testable import AutoReply

@Suite("RFC 5230 §4 vacation: policy and composer together")
struct VacationResponderTests {
    let responder = VacationResponder(composer: VacationReplyComposer(hostname: "mx.example.com"))

    @Test("a due reply is composed and recorded; the next is suppressed")
    func sendThenSuppress() async throws {
        let store = InMemoryTrackingStore()
        guard case .send(let reply) = try await responder.respond(to: vacationRequest(), store: store, now: testNow) else {
            Issue.record("expected a reply")
            return
        }
        #expect(reply.recipients == ["sender@example.org"])
        #expect(Message(bytes: reply.bytes).fields(named: "Subject").first?.value == "Auto: Lunch?")
        #expect(try await responder.respond(to: vacationRequest(), store: store, now: testNow)
            == .suppressed(.alreadyReplied(sender: "sender@example.org", handle: "h1", seconds: 7 * 86_400)))
    }

    @Test("a suppressed message is neither composed nor recorded")
    func suppressed() async throws {
        let store = InMemoryTrackingStore()
        let outcome = try await responder.respond(
            to: vacationRequest(action: vacationAction(from: "not an address"), headers: personalHeaders + ["Precedence: bulk"]),
            store: store, now: testNow)
        #expect(outcome == .suppressed(.precedence("bulk")))
        #expect(await store.recordCount == 0)
    }

    @Test("a reply that cannot be composed throws and records nothing")
    func composeFailure() async throws {
        let store = InMemoryTrackingStore()
        await #expect(throws: AutoReplyError.self) {
            _ = try await responder.respond(to: vacationRequest(action: vacationAction(from: "not an address")), store: store,
                                            now: testNow)
        }
        #expect(await store.recordCount == 0)
    }
}
