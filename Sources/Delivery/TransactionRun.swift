import Dispatch
import MailCore
import Synchronization

/// The outcomes of one transaction as they arrive, and the one waiter for all of them.
///
/// Whichever comes first ends the wait: every recipient finished, the deadline, or the
/// caller's cancellation. After that, late results are reported to `late` (for the log)
/// and dropped: the reply already sent for that recipient stands.
final class TransactionRun: Sendable {
    private struct State {
        var outcomes: [RecipientOutcome?]
        var remaining: Int
        var continuation: CheckedContinuation<[RecipientOutcome], Never>?
        var finished = false
        var timer: DeadlineSource?
    }

    private let state: Mutex<State>
    private let expiredFlag = Atomic<Bool>(false)
    private let onLate: @Sendable (Int, RecipientOutcome) -> Void

    init(count: Int, onLate: @escaping @Sendable (Int, RecipientOutcome) -> Void) {
        state = Mutex(State(outcomes: Array(repeating: nil, count: count), remaining: count))
        self.onLate = onLate
    }

    /// Whether the run ended before every recipient finished (deadline or cancellation).
    var isExpired: Bool { expiredFlag.load(ordering: .acquiring) }

    /// Waits for the outcomes; resumes at once if the run already ended.
    func wait() async -> [RecipientOutcome] {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [RecipientOutcome]? in
                if state.finished { return state.outcomes.compactMap { $0 } }
                state.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Starts the deadline timer.
    ///
    /// A Dispatch timer source, not a sleeping `Task`: cancelling a `Task.sleep` wakes
    /// the task but leaves its timer entry queued until the original deadline, which
    /// under load kept about 0.75 KiB per transaction alive for the whole
    /// `transactionDeadline` (memory grew for 300 s). A cancelled source is gone at once.
    func startTimer(after deadline: Duration, expire: @escaping @Sendable () -> Void) {
        let timer = DeadlineSource(after: deadline, fire: expire)
        let cancelNow = state.withLock { state -> Bool in
            if state.finished { return true }
            state.timer = timer
            return false
        }
        // Started either way: libdispatch must not release a source it never activated.
        if cancelNow { timer.cancel() }
        timer.start()
    }

    /// Records one recipient's outcome; the last one ends the wait. `accepted` runs
    /// (for the log) before the waiter resumes. Returns false, and reports the outcome
    /// to `onLate` instead, when the run had already ended.
    @discardableResult
    func complete(_ index: Int, _ outcome: RecipientOutcome, accepted: (RecipientOutcome) -> Void = { _ in }) -> Bool {
        let result = state.withLock { state -> (CheckedContinuation<[RecipientOutcome], Never>?, [RecipientOutcome], Bool) in
            guard !state.finished, state.outcomes[index] == nil else { return (nil, [], true) }
            state.outcomes[index] = outcome
            state.remaining -= 1
            guard state.remaining == 0 else { return (nil, [], false) }
            return (finish(&state), state.outcomes.compactMap { $0 }, false)
        }
        if result.2 {
            onLate(index, outcome)
        } else {
            accepted(outcome)
        }
        result.0?.resume(returning: result.1)
        return !result.2
    }

    /// Ends the run now: every unfinished recipient gets `placeholder(index)`, and
    /// `filled(index, outcome)` runs for each (for the log) before the waiter resumes.
    /// Does nothing if the run had already ended.
    func expire(placeholder: (Int) -> RecipientOutcome, filled: (Int, RecipientOutcome) -> Void) {
        expiredFlag.store(true, ordering: .releasing)
        let result = state.withLock { state -> (CheckedContinuation<[RecipientOutcome], Never>?, [RecipientOutcome], [Int]) in
            guard !state.finished else { return (nil, [], []) }
            var indices: [Int] = []
            for index in state.outcomes.indices where state.outcomes[index] == nil {
                state.outcomes[index] = placeholder(index)
                indices.append(index)
            }
            state.remaining = 0
            return (finish(&state), state.outcomes.compactMap { $0 }, indices)
        }
        for index in result.2 { filled(index, result.1[index]) }
        result.0?.resume(returning: result.1)
    }

    private func finish(_ state: inout State) -> CheckedContinuation<[RecipientOutcome], Never>? {
        state.finished = true
        state.timer?.cancel()
        state.timer = nil
        let continuation = state.continuation
        state.continuation = nil
        return continuation
    }
}

/// A one-shot Dispatch timer.
///
/// `@unchecked Sendable` is safe here: the only state is the `DispatchSourceTimer`, set
/// once in `init` and never reassigned, and libdispatch documents `resume` and `cancel`
/// on a source as callable from any thread (`cancel` is idempotent; the event handler
/// never runs after it returns on the source's queue). `start` is called at most once,
/// by `TransactionRun.startTimer`.
final class DeadlineSource: @unchecked Sendable {
    private let source: DispatchSourceTimer

    init(after deadline: Duration, fire: @escaping @Sendable () -> Void) {
        source = DispatchSource.makeTimerSource(queue: .global())
        let parts = deadline.components
        let seconds = parts.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let nanoseconds = seconds.overflow ? Int64.max : seconds.partialValue &+ parts.attoseconds / 1_000_000_000
        source.schedule(deadline: .now() + .nanoseconds(Int(clamping: nanoseconds)))
        source.setEventHandler(handler: fire)
    }

    func start() { source.resume() }

    /// Stops the timer and releases its handler; safe before or after it fired.
    func cancel() { source.cancel() }
}
