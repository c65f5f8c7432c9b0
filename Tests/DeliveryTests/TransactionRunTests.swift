import Foundation
import Synchronization
import Testing
@testable import Delivery

/// A store that keeps copies in memory, optionally failing or stalling per user; for
/// tests about scheduling, where disk writes would only slow things down.
final class MemoryStore: MailStore {
    let stored = Mutex<[String]>([])
    let failures: [String: StoreFailure]
    /// Microseconds to stall, per local part.
    let delays: [String: UInt32]
    /// Gates to wait at, per local part.
    let gates: [String: Gate]

    init(failures: [String: StoreFailure] = [:], delays: [String: UInt32] = [:], gates: [String: Gate] = [:]) {
        self.failures = failures
        self.delays = delays
        self.gates = gates
    }

    func store(_ copy: CopyRequest) throws(StoreFailure) -> StoredCopy {
        if let delay = delays[copy.user.localPart] { usleep(delay) }
        gates[copy.user.localPart]?.pass()
        if let failure = failures[copy.user.localPart] { throw failure }
        let count = stored.withLock { list -> Int in
            list.append(copy.user.recipient + " " + copy.mailbox)
            return list.count
        }
        return StoredCopy(mailbox: copy.mailbox, id: "M\(count)", path: "/memory/\(count)")
    }

    func mailboxExists(_ mailbox: String, user: DeliveryUser) -> Bool { true }
}

/// SplitMix64: a small seeded generator, so a failing property case can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Delivery: deadline and ordering")
struct TransactionRunTests {
    @Test("at the deadline, unfinished recipients get 451 4.3.0, finished ones keep their reply, deliver returns")
    func deadline() async throws {
        var site = try TestSite()
        site.configuration.transactionDeadline = .seconds(7)
        let gate = Gate()
        let store = MemoryStore(gates: ["slow": gate])
        var agent = try site.agent(store: store)
        let trigger = Trigger()
        agent.deadlineTimer = trigger.timer
        let task = Task { await agent.deliver(transaction(["a@example.org", "slow@example.org", "b@example.org"])) }
        try await site.log.waitFor { $0.filter { $0.message == "delivery" }.count == 2 }
        try #require(await gate.waitUntilEntered())
        trigger.fire()
        let outcomes = await task.value
        #expect(outcomes.map(\.reply.code) == [250, 451, 250])
        #expect(outcomes[1].reply.status == .temporarySystemFailure)
        #expect(outcomes[1].reply.lines.joined().contains("did not finish within 7 s"))
        #expect(outcomes.map(\.recipient) == ["a@example.org", "slow@example.org", "b@example.org"])
        // The stuck store was still running when deliver returned; when it ends it is logged as late.
        gate.open()
        try await site.log.waitFor { $0.contains { $0.message.contains("after the transaction deadline") } }
    }

    @Test("with the real timer, a stuck store cannot hold the transaction past its deadline")
    func realTimer() async throws {
        var site = try TestSite()
        site.configuration.transactionDeadline = .milliseconds(100)
        let gate = Gate()
        let store = MemoryStore(gates: ["slow": gate])
        let outcomes = try await site.agent(store: store).deliver(transaction(["a@example.org", "slow@example.org"]))
        gate.open()
        #expect(outcomes.map(\.recipient) == ["a@example.org", "slow@example.org"])
        #expect(outcomes[1].reply.code == 451)
    }

    @Test("recipients not yet started when the deadline passes are never stored")
    func noStartAfterDeadline() async throws {
        var site = try TestSite()
        site.configuration.recipientConcurrency = 1
        let gate = Gate()
        let store = MemoryStore(gates: ["slow": gate])
        var agent = try site.agent(store: store)
        let trigger = Trigger()
        agent.deadlineTimer = trigger.timer
        let task = Task { await agent.deliver(transaction(["slow@example.org", "b@example.org", "c@example.org"])) }
        try #require(await gate.waitUntilEntered())
        trigger.fire()
        #expect(await task.value.map(\.reply.code) == [451, 451, 451])
        gate.open()
        try await site.log.waitFor { $0.contains { $0.message.contains("after the transaction deadline") } }
        // The stalled store finished in the background; the others were never started.
        #expect(store.stored.withLock { $0 } == ["slow@example.org INBOX"])
    }

    @Test("cancelling the caller answers 451 for the unfinished recipients")
    func cancellation() async throws {
        let site = try TestSite()
        let gate = Gate()
        let store = MemoryStore(gates: ["slow": gate])
        defer { gate.open() }
        let agent = try site.agent(store: store)
        let task = Task { await agent.deliver(transaction(["fast@example.org", "slow@example.org"])) }
        // Cancel once the fast recipient's outcome is logged and the slow one is stuck.
        try await site.log.waitFor { $0.contains { $0.metadata["rcpt"] == "fast@example.org" } }
        try #require(await gate.waitUntilEntered())
        task.cancel()
        let outcomes = await task.value
        #expect(outcomes.map(\.reply.code) == [250, 451])
        #expect(outcomes[1].reply.lines.joined().contains("cancelled"))
    }

    @Test("concurrency is bounded by recipientConcurrency")
    func concurrencyBound() async throws {
        var site = try TestSite()
        site.configuration.recipientConcurrency = 3
        let store = PeakStore()
        let recipients = (0..<12).map { "u\($0)@example.org" }
        let outcomes = try await site.agent(store: store).deliver(transaction(recipients))
        #expect(outcomes.count == 12)
        #expect(store.peak.load(ordering: .relaxed) <= 3)
        #expect(store.peak.load(ordering: .relaxed) >= 2)
    }

    @Test("property: exactly one outcome per recipient, in order, whatever happens", arguments: 0..<40)
    func outcomeCountAndOrder(seed: Int) async throws {
        var random = SeededGenerator(state: UInt64(seed) &* 0x1234_5678_9ABC)
        var site = try TestSite()
        site.configuration.recipientConcurrency = Int.random(in: 1...5, using: &random)
        site.configuration.transactionDeadline = .milliseconds(Int.random(in: 20...400, using: &random))
        let scripts = [
            "keep;", "discard;", "require \"reject\"; reject \"no\";", "require \"fileinto\"; fileinto \"F\";",
            "if true {", "require \"fileinto\"; fileinto \"a//b\";", "redirect \"x@example.net\";",
        ]
        let users = ["p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7"]
        for user in users where Bool.random(using: &random) {
            try site.script(user, scripts.randomElement(using: &random) ?? "keep;")
        }
        var failures: [String: StoreFailure] = [:]
        var delays: [String: UInt32] = [:]
        for user in users {
            switch Int.random(in: 0..<8, using: &random) {
            case 0: failures[user] = StoreFailure(.diskFull, "disk full")
            case 1: failures[user] = StoreFailure(.quotaExceeded, "over quota")
            case 2: delays[user] = UInt32.random(in: 1_000...100_000, using: &random)
            default: break
            }
        }
        let store = MemoryStore(failures: failures, delays: delays)
        let pool = users.map { "\($0)@example.org" } + ["nobody@elsewhere.test", "p1+tag@EXAMPLE.org", "<>", ""]
        let recipients = (0..<Int.random(in: 0...14, using: &random)).map { _ in
            pool.randomElement(using: &random) ?? ""
        }
        let outcomes = try await site.agent(store: store).deliver(transaction(recipients, id: "P\(seed)"))
        #expect(outcomes.count == recipients.count)
        #expect(outcomes.map(\.recipient) == recipients)
        for outcome in outcomes {
            #expect([250, 451, 452, 550].contains(outcome.reply.code), "\(outcome.reply)")
            #expect(!outcome.reply.lines.isEmpty)
        }
    }
}

/// Records the most stores running at once.
final class PeakStore: MailStore {
    let inFlight = Atomic<Int>(0)
    let peak = Atomic<Int>(0)

    func store(_ copy: CopyRequest) throws(StoreFailure) -> StoredCopy {
        let now = inFlight.add(1, ordering: .relaxed).newValue
        var seen = peak.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = peak.compareExchange(expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
        usleep(30_000)
        inFlight.subtract(1, ordering: .relaxed)
        return StoredCopy(mailbox: copy.mailbox, id: "x", path: "/x")
    }

    func mailboxExists(_ mailbox: String, user: DeliveryUser) -> Bool { true }
}

/// A point where a store call stops until the test opens it.
final class Gate: Sendable {
    private let entered = DispatchSemaphore(value: 0)
    private let opened = DispatchSemaphore(value: 0)

    /// Called by the store: announces arrival and waits (at most 30 s) to be let through.
    func pass() {
        entered.signal()
        _ = opened.wait(timeout: .now() + 30)
    }

    /// Waits (at most 120 s: the whole suite shares two cores) until a store call has arrived. The semaphore is waited on
    /// a thread of its own: blocking one of the cooperative pool's threads (two on a
    /// two-core machine) could starve the very delivery the test is waiting for.
    func waitUntilEntered() async -> Bool {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.entered.wait(timeout: .now() + 120) == .success) }.start()
        }
    }

    func open() { opened.signal() }
}

/// A deadline fired by the test instead of a clock.
final class Trigger: Sendable {
    private let fireFunction = Mutex<(@Sendable () -> Void)?>(nil)

    var timer: DeadlineTimer {
        DeadlineTimer { _, _, fire in self.fireFunction.withLock { $0 = fire } }
    }

    func fire() {
        fireFunction.withLock { $0 }?()
    }
}

final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
