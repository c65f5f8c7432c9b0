import Dispatch
import Foundation
import Sieve
import Synchronization
import Tracking

/// The `duplicate` extension's state, kept per user in the tracking store (kind
/// `duplicate`, the tracking list as peer, the value as key).
///
/// A script run asks whether a value was seen (a read); the values it marks are written
/// only after the recipient's outcome is final and is not a temporary failure, so a
/// message the MTA retries is not taken for its own duplicate.
///
/// - SeeAlso: RFC 7352 §3
struct DuplicateTracking: Sendable {
    let store: any TrackingStore

    /// Longest value stored as it is; a longer one is stored as its first bytes and a
    /// digest of the whole.
    static let maximumKeyBytes = 512

    /// Whether `key` was recorded for `user` and is live now. Blocks the calling thread
    /// until the store answers: call it only off the cooperative pool (script runs happen
    /// on `BlockingIO` threads).
    func isDuplicate(_ key: DuplicateKey, user: String) throws(DuplicateTrackingError) -> Bool {
        let store = self.store
        let stored = Self.storedKey(key.value)
        let answer = Self.wait { try await store.isLive(kind: .duplicate, user: user, peer: key.list, key: stored, now: Date()) }
        switch answer {
        case .success(let live): return live
        case .failure(let error): throw DuplicateTrackingError("\(error)")
        }
    }

    /// Records the marks of a recipient whose outcome is final; returns a note per
    /// failure (the delivery itself stands).
    func record(_ marks: [DuplicateMark], user: String, now: Date = Date()) async -> [String] {
        var notes: [String] = []
        for mark in marks {
            do {
                try await store.record(kind: .duplicate, user: user, peer: mark.key.list, key: Self.storedKey(mark.key.value),
                                       period: .seconds(mark.seconds), now: now)
            } catch {
                notes.append("duplicate tracking: cannot record \(mark.key.value.prefix(80)): \(error)")
            }
        }
        return notes
    }

    /// Whether an outcome's marks are recorded: the message was handled and the MTA will
    /// not offer it again.
    static func records(_ disposition: RecipientOutcome.Disposition) -> Bool {
        switch disposition {
        case .stored, .discarded, .redirected, .rejected: return true
        case .unknownUser, .deferred, .failed: return false
        }
    }

    /// `value`, or for a long one its first bytes, its length and a 128-bit FNV-1a digest.
    static func storedKey(_ value: String) -> String {
        let bytes = Array(value.utf8)
        guard bytes.count > maximumKeyBytes else { return value }
        var low: UInt64 = 0xcbf2_9ce4_8422_2325
        var high: UInt64 = 0x6c62_272e_07bb_0142
        for byte in bytes {
            low = (low ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            high = (high ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ low
        }
        let prefix = String(decoding: bytes.prefix(256), as: UTF8.self)
        return prefix + "…[\(bytes.count) bytes, digest \(String(high, radix: 16))\(String(low, radix: 16))]"
    }

    /// Runs `work` as a task and blocks this thread until it finishes.
    private static func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) -> Result<T, any Error> {
        let semaphore = DispatchSemaphore(value: 0)
        let box = Mutex<Result<T, any Error>?>(nil)
        Task {
            let result: Result<T, any Error>
            do {
                result = .success(try await work())
            } catch {
                result = .failure(error)
            }
            box.withLock { $0 = result }
            semaphore.signal()
        }
        semaphore.wait()
        return box.withLock { $0 } ?? .failure(DuplicateTrackingError("the tracking store gave no answer"))
    }
}
