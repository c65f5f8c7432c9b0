import Foundation

/// A `TrackingStore` that keeps its records in memory: for tests, dry runs
/// (`sieve-check`) and single-process setups that accept losing records on restart.
///
/// As an actor it serialises all calls, so `shouldSend` is atomic within the process.
public actor InMemoryTrackingStore: TrackingStore {
    struct Identity: Hashable {
        var kind: TrackingKind
        var user: String
        var peer: String
        var key: String
    }

    private var expiries: [Identity: Date] = [:]

    /// Makes an empty store.
    public init() {}

    public func shouldSend(kind: TrackingKind, user: String, peer: String, key: String, period: Duration, now: Date)
        -> Bool
    {
        let seconds = period.secondsValue
        guard seconds > 0 else { return true }
        let identity = Identity(kind: kind, user: user, peer: peer, key: key)
        if let expiry = expiries[identity], now < expiry { return false }
        expiries[identity] = now.addingTimeInterval(seconds)
        return true
    }

    public func isLive(kind: TrackingKind, user: String, peer: String, key: String, now: Date) -> Bool {
        guard let expiry = expiries[Identity(kind: kind, user: user, peer: peer, key: key)] else { return false }
        return now < expiry
    }

    public func record(kind: TrackingKind, user: String, peer: String, key: String, period: Duration, now: Date) {
        let seconds = period.secondsValue
        guard seconds > 0 else { return }
        expiries[Identity(kind: kind, user: user, peer: peer, key: key)] = now.addingTimeInterval(seconds)
    }

    public func forget(kind: TrackingKind, user: String, peer: String, key: String) {
        expiries[Identity(kind: kind, user: user, peer: peer, key: key)] = nil
    }

    @discardableResult
    public func purgeExpired(now: Date) -> Int {
        let before = expiries.count
        expiries = expiries.filter { now < $0.value }
        return before - expiries.count
    }

    /// How many records the store holds, live or expired.
    public var recordCount: Int { expiries.count }
}
