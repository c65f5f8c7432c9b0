import Dispatch
import MailCore
import Synchronization
import Testing

@Suite("Blocking I/O runs off the cooperative pool")
struct BlockingIOTests {
    @Test("eight blocking jobs run side by side, not two at a time on two cores")
    func blockingJobsOverlap() async {
        // Each job waits until all eight have arrived: with fewer threads than jobs this
        // could never complete, and every job would time out.
        let arrived = Arrivals()
        let barrier = DispatchSemaphore(value: 0)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    await BlockingIO.run {
                        if arrived.count.add(1, ordering: .relaxed).newValue == 8 {
                            for _ in 0..<7 { barrier.signal() }
                            return true
                        }
                        return barrier.wait(timeout: .now() + 30) == .success
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 8))
    }
}

/// A counter the jobs share.
private final class Arrivals: Sendable {
    let count = Atomic<Int>(0)
}
