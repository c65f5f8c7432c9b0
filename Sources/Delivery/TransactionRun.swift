import Dispatch
import Synchronization

/// Runs blocking work (file I/O, fsync) on Dispatch threads, so the Swift concurrency
/// cooperative pool (one thread per core) is never held by a thread waiting on a disk.
enum BlockingIO {
    private static let queue = DispatchQueue(label: "sluice.delivery.blocking-io", attributes: .concurrent)

    /// Runs `work` on a Dispatch thread and returns its result.
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}

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
        var timer: Task<Void, Never>?
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
    func startTimer(after deadline: Duration, expire: @escaping @Sendable () -> Void) {
        let timer = Task {
            do {
                try await Task.sleep(for: deadline)
            } catch {
                return
            }
            expire()
        }
        let cancelNow = state.withLock { state -> Bool in
            if state.finished { return true }
            state.timer = timer
            return false
        }
        if cancelNow { timer.cancel() }
    }

    /// Records one recipient's outcome; the last one ends the wait.
    func complete(_ index: Int, _ outcome: RecipientOutcome) {
        let result = state.withLock { state -> (CheckedContinuation<[RecipientOutcome], Never>?, [RecipientOutcome], Bool) in
            guard !state.finished, state.outcomes[index] == nil else { return (nil, [], true) }
            state.outcomes[index] = outcome
            state.remaining -= 1
            guard state.remaining == 0 else { return (nil, [], false) }
            return (finish(&state), state.outcomes.compactMap { $0 }, false)
        }
        if result.2 { onLate(index, outcome) }
        result.0?.resume(returning: result.1)
    }

    /// Ends the run now: every unfinished recipient gets `placeholder(index)`. Returns
    /// the indices filled that way (empty if the run had already ended).
    @discardableResult
    func expire(placeholder: (Int) -> RecipientOutcome) -> [Int] {
        expiredFlag.store(true, ordering: .releasing)
        let result = state.withLock { state -> (CheckedContinuation<[RecipientOutcome], Never>?, [RecipientOutcome], [Int]) in
            guard !state.finished else { return (nil, [], []) }
            var filled: [Int] = []
            for index in state.outcomes.indices where state.outcomes[index] == nil {
                state.outcomes[index] = placeholder(index)
                filled.append(index)
            }
            state.remaining = 0
            return (finish(&state), state.outcomes.compactMap { $0 }, filled)
        }
        result.0?.resume(returning: result.1)
        return result.2
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
