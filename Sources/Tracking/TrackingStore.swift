import Foundation

/// What a tracking record is about: a vacation reply or a redirect.
///
/// Records of different kinds never suppress each other, even with equal user, peer
/// and key.
public enum TrackingKind: String, Sendable, Hashable, CaseIterable {
    /// "This user sent a vacation reply to this sender for this handle."
    /// - SeeAlso: RFC 5230 §4.2 (handle), §4.1 (period)
    case vacation
    /// "This user's script redirected this message to this target."
    /// - SeeAlso: RFC 5228 §4.2 (loop and duplicate control)
    case redirect
    /// "This user's script saw this value (a Message-ID, say) in this tracking list."
    /// `peer` is the list, `key` the value.
    /// - SeeAlso: RFC 7352 §3
    case duplicate
}

/// Remembers which auto-replies and redirects were sent, so that the same one is not
/// sent twice within its period.
///
/// A record is identified by `(kind, user, peer, key)` and lives until its expiry:
/// for vacation, `peer` is the sender replied to and `key` the vacation handle; for
/// redirect, `peer` is the redirect target and `key` the message's identity
/// (Message-ID, else a digest). Callers normalise the strings (e.g. lowercase
/// addresses); a store compares them exactly.
///
/// Implementations must make `shouldSend` atomic: of any number of concurrent calls for
/// the same identity, from any number of tasks or processes sharing the store, at most
/// one returns true while the record is live. The embedded `SQLiteTrackingStore` is the
/// first implementation; a shared database can implement the same protocol so that many
/// delivery nodes share their records.
public protocol TrackingStore: Sendable {
    /// Checks for a live record and, if there is none, records one that expires at
    /// `now + period`, in one atomic step. Returns true when the caller should send
    /// (no live record existed), false when a record made earlier is still live.
    ///
    /// A `period` of zero or less means "always send": it returns true and records
    /// nothing. A record is live while `now` is before its expiry.
    ///
    /// - SeeAlso: RFC 5230 §4.1 (responses to the same sender within the period)
    func shouldSend(kind: TrackingKind, user: String, peer: String, key: String, period: Duration, now: Date)
        async throws -> Bool

    /// Whether a live record exists for this identity at `now` (a read; nothing changes).
    ///
    /// - SeeAlso: RFC 7352 §3 (was the value seen before?)
    func isLive(kind: TrackingKind, user: String, peer: String, key: String, now: Date) async throws -> Bool

    /// Records this identity as live until `now + period`, replacing the expiry of a
    /// record that exists (live or not). A `period` of zero or less records nothing.
    ///
    /// - SeeAlso: RFC 7352 §3 (`:last` renews the record on every message)
    func record(kind: TrackingKind, user: String, peer: String, key: String, period: Duration, now: Date) async throws

    /// Removes the record for this identity, if any, e.g. after the message it stands
    /// for could not be submitted, so that a later attempt may send again.
    func forget(kind: TrackingKind, user: String, peer: String, key: String) async throws

    /// Removes every record expired at `now`; returns how many were removed.
    @discardableResult
    func purgeExpired(now: Date) async throws -> Int
}

/// A tracking store failed (cannot open, migrate, read or write its database).
public struct TrackingStoreError: Error, Sendable, CustomStringConvertible {
    /// An operator-readable sentence: what failed, where, and why.
    public let message: String

    /// Makes an error with an operator-readable message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

extension Duration {
    /// The duration in (fractional) seconds.
    package var secondsValue: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
