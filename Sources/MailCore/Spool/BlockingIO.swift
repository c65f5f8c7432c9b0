import Dispatch

/// Runs blocking work (file I/O, fsync) on Dispatch threads, so the Swift concurrency
/// cooperative pool (one thread per core) is never held by a thread waiting on a disk:
/// the delivery agent's reads, script runs and Maildir writes, and the LMTP server's spool
/// writes once a message has moved to its file.
///
/// Each job gets its own serial queue. Serial queues run on libdispatch's overcommit
/// pool, which starts another thread when the running ones block; a concurrent queue
/// (or the global queue) would be capped at the number of cores on Linux, so a few
/// slow disks would stall every other connection and delivery. The number of threads is
/// bounded by the jobs in flight.
public enum BlockingIO {
    /// Runs `work` on a Dispatch thread and returns its result.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue(label: "sluice.blocking-io").async { continuation.resume(returning: work()) }
        }
    }
}
