import Testing

@testable import LMTP

/// A clock that only moves when a test says so; `sleep` is never called by these tests.
struct ManualClock: Clock {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    var now: Instant { Instant(offset: .zero) }
    var minimumResolution: Duration { .nanoseconds(1) }
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        throw CancellationError()
    }
}

private func at(_ seconds: Int) -> ManualClock.Instant { ManualClock.Instant(offset: .seconds(seconds)) }

@Suite("RFC 5321 §4.5.3.2 timeouts, on a manual clock")
struct TimeoutStateMachineTests {
    let timeouts = ConnectionTimeouts(idle: .seconds(300), command: .seconds(600))

    @Test func idleDeadlineFollowsTheLastFrame() {
        var machine = TimeoutStateMachine<ManualClock>(timeouts: timeouts, now: at(0))
        #expect(machine.deadline == at(300))
        do { let r = machine.expire(now: at(299)); #expect(!r) }
        do { let r = machine.progress(now: at(100)); #expect(r) }
        #expect(machine.deadline == at(400))
        do { let r = machine.expire(now: at(400)); #expect(r) }
        #expect(machine.isClosed)
        do { let r = machine.progress(now: at(401)); #expect(!r) }
    }

    @Test func aPhaseCannotOutlastTheCommandTimeoutEvenWithProgress() {
        var machine = TimeoutStateMachine<ManualClock>(timeouts: timeouts, now: at(0))
        for second in stride(from: 60, through: 540, by: 60) { do { let r = machine.progress(now: at(second)); #expect(r) } }
        #expect(machine.deadline == at(600))
        do { let r = machine.expire(now: at(600)); #expect(r) }
    }

    @Test func serverWorkDoesNotCountAgainstTheClient() {
        var machine = TimeoutStateMachine<ManualClock>(timeouts: timeouts, now: at(0))
        machine.serverBusy()
        #expect(machine.deadline == nil)
        do { let r = machine.expire(now: at(10_000)); #expect(!r) }
        machine.startPhase(now: at(10_000))
        #expect(machine.deadline == at(10_300))
    }

    @Test func commandsThatOnlyKeepTheConnectionOpenDoNotRestartTheIdleClock() {
        var machine = TimeoutStateMachine<ManualClock>(timeouts: timeouts, now: at(0))
        machine.startPhase(now: at(10))  // LHLO answered
        for second in stride(from: 60, through: 300, by: 60) {
            do { let r = machine.progress(now: at(second)); #expect(r) }  // a NOOP line arrives
            machine.startPhase(now: at(second), useful: false)            // and is answered
            #expect(machine.deadline == at(310))
        }
        do { let r = machine.expire(now: at(310)); #expect(r) }
        // A useful command restarts it.
        var other = TimeoutStateMachine<ManualClock>(timeouts: timeouts, now: at(0))
        other.startPhase(now: at(200), useful: false)
        other.startPhase(now: at(250))
        #expect(other.deadline == at(550))
    }

    @Test func aNewPhaseRestartsBothClocks() {
        var machine = TimeoutStateMachine<ManualClock>(timeouts: ConnectionTimeouts(idle: .seconds(5), command: .seconds(8)), now: at(0))
        _ = machine.progress(now: at(4))
        #expect(machine.deadline == at(8))
        machine.startPhase(now: at(7))
        #expect(machine.deadline == at(12))
    }

    @Test func closedStaysClosed() {
        var machine = TimeoutStateMachine<ManualClock>(timeouts: timeouts, now: at(0))
        machine.close()
        machine.startPhase(now: at(1))
        machine.serverBusy()
        #expect(machine.isClosed)
        #expect(machine.deadline == nil)
    }
}
