import Foundation
import Synchronization

/// Resident memory of the server over the run.
struct MemoryFigures: Sendable {
    var samples = 0
    var firstKiB = 0
    var peakKiB = 0
    var lastKiB = 0
    /// VmHWM (the kernel's own peak resident set) of the given processes themselves, summed.
    var highWaterKiB = 0
}

/// Samples the resident set (VmRSS in /proc/PID/status) of the given processes and all
/// their descendants, summed, on a background thread; keeps the first, peak and last sums.
/// Summing the process tree covers servers that fork workers (Dovecot's lmtp processes).
final class MemorySampler: Sendable {
    private let pids: [Int32]
    private let interval: Double
    private let figures = Mutex(MemoryFigures())
    private let running = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    init(pids: [Int32], interval: Double) {
        self.pids = pids
        self.interval = interval
    }

    func start() {
        guard !pids.isEmpty else { return }
        running.store(true, ordering: .sequentiallyConsistent)
        sample()
        let thread = Thread { [self] in
            while running.load(ordering: .sequentiallyConsistent) {
                Thread.sleep(forTimeInterval: interval)
                sample()
            }
            finished.signal()
        }
        thread.start()
    }

    /// Takes a last sample and returns the figures.
    func stop() -> MemoryFigures {
        if !pids.isEmpty {
            running.store(false, ordering: .sequentiallyConsistent)
            finished.wait()
            sample()
            let highWater = pids.reduce(0) { $0 + (Self.statusField("VmHWM:", of: $1) ?? 0) }
            figures.withLock { $0.highWaterKiB = highWater }
        }
        return figures.withLock { $0 }
    }

    private func sample() {
        let tree = Self.descendants(of: pids)
        let total = tree.reduce(0) { $0 + (Self.residentKiB(of: $1) ?? 0) }
        guard total > 0 else { return }
        figures.withLock { figures in
            if figures.samples == 0 { figures.firstKiB = total }
            figures.samples += 1
            figures.peakKiB = max(figures.peakKiB, total)
            figures.lastKiB = total
        }
    }

    /// The processes and every process below them (parents read from /proc/N/stat).
    static func descendants(of roots: [Int32]) -> [Int32] {
        var parentOf: [Int32: Int32] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After "pid (comm)": state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { parentOf[pid] = parent }
        }
        var included = Set(roots)
        var changed = true
        while changed {
            changed = false
            for (pid, parent) in parentOf where !included.contains(pid) && included.contains(parent) {
                included.insert(pid)
                changed = true
            }
        }
        return Array(included)
    }

    /// The latest sum over the process tree, in KiB (0 before the first sample).
    var currentKiB: Int { figures.withLock { $0.lastKiB } }

    /// VmRSS of one process in KiB, nil if it is gone.
    static func residentKiB(of pid: Int32) -> Int? { statusField("VmRSS:", of: pid) }

    /// A "kB" field of /proc/PID/status, nil if the process is gone.
    static func statusField(_ name: String, of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }
}
