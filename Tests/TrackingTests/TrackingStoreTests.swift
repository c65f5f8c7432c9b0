import Foundation
import Testing

@testable import Tracking
import TrackingSQLite

/// A fresh folder per test, removed when the test ends.
final class TemporaryFolder: Sendable {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/sluice-tracking-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Which store a shared test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, memory

    var testDescription: String { rawValue }

    func make(_ folder: TemporaryFolder) -> any TrackingStore {
        switch self {
        case .sqlite: return SQLiteTrackingStore(path: folder.path + "/db/tracking.sqlite")
        case .memory: return InMemoryTrackingStore()
        }
    }
}

let epoch = Date(timeIntervalSince1970: 1_700_000_000)

@Suite("RFC 5230 §4.1 response tracking: TrackingStore")
struct TrackingStoreTests {
    @Test("first request sends, a repeat within the period does not", arguments: StoreKind.allCases)
    func onceWithinPeriod(kind: StoreKind) async throws {
        let folder = try TemporaryFolder()
        let store = kind.make(folder)
        let first = try await store.shouldSend(
            kind: .vacation, user: "u@x", peer: "s@y", key: "h", period: .seconds(60), now: epoch)
        let second = try await store.shouldSend(
            kind: .vacation, user: "u@x", peer: "s@y", key: "h", period: .seconds(60), now: epoch.addingTimeInterval(59))
        #expect(first)
        #expect(!second)
    }

    @Test("a record expires exactly at now + period", arguments: StoreKind.allCases)
    func expiry(kind: StoreKind) async throws {
        let folder = try TemporaryFolder()
        let store = kind.make(folder)
        #expect(try await store.shouldSend(kind: .vacation, user: "u", peer: "p", key: "k", period: .seconds(10), now: epoch))
        #expect(!(try await store.shouldSend(
            kind: .vacation, user: "u", peer: "p", key: "k", period: .seconds(10), now: epoch.addingTimeInterval(9.5))))
        #expect(try await store.shouldSend(
            kind: .vacation, user: "u", peer: "p", key: "k", period: .seconds(10), now: epoch.addingTimeInterval(10)))
        // The renewed record runs from the new send.
        #expect(!(try await store.shouldSend(
            kind: .vacation, user: "u", peer: "p", key: "k", period: .seconds(10), now: epoch.addingTimeInterval(19))))
    }

    @Test("kind, user, peer and key each separate records", arguments: StoreKind.allCases)
    func identityParts(kind: StoreKind) async throws {
        let folder = try TemporaryFolder()
        let store = kind.make(folder)
        let period = Duration.seconds(3600)
        #expect(try await store.shouldSend(kind: .vacation, user: "u", peer: "p", key: "k", period: period, now: epoch))
        #expect(try await store.shouldSend(kind: .redirect, user: "u", peer: "p", key: "k", period: period, now: epoch))
        #expect(try await store.shouldSend(kind: .vacation, user: "u2", peer: "p", key: "k", period: period, now: epoch))
        #expect(try await store.shouldSend(kind: .vacation, user: "u", peer: "p2", key: "k", period: period, now: epoch))
        #expect(try await store.shouldSend(kind: .vacation, user: "u", peer: "p", key: "k2", period: period, now: epoch))
        #expect(!(try await store.shouldSend(kind: .redirect, user: "u", peer: "p", key: "k", period: period, now: epoch)))
    }

    @Test("a zero period always sends and records nothing", arguments: StoreKind.allCases)
    func zeroPeriod(kind: StoreKind) async throws {
        let folder = try TemporaryFolder()
        let store = kind.make(folder)
        for _ in 0..<3 {
            #expect(try await store.shouldSend(kind: .vacation, user: "u", peer: "p", key: "k", period: .zero, now: epoch))
        }
        // Nothing was recorded: a positive period still sends the first time.
        #expect(try await store.shouldSend(kind: .vacation, user: "u", peer: "p", key: "k", period: .seconds(5), now: epoch))
    }

    @Test("forget lets the next request send again", arguments: StoreKind.allCases)
    func forget(kind: StoreKind) async throws {
        let folder = try TemporaryFolder()
        let store = kind.make(folder)
        #expect(try await store.shouldSend(kind: .redirect, user: "u", peer: "t", key: "<m@x>", period: .seconds(43200), now: epoch))
        try await store.forget(kind: .redirect, user: "u", peer: "t", key: "<m@x>")
        #expect(try await store.shouldSend(kind: .redirect, user: "u", peer: "t", key: "<m@x>", period: .seconds(43200), now: epoch))
    }

    @Test("purgeExpired removes expired records only", arguments: StoreKind.allCases)
    func purge(kind: StoreKind) async throws {
        let folder = try TemporaryFolder()
        let store = kind.make(folder)
        _ = try await store.shouldSend(kind: .vacation, user: "u", peer: "short", key: "k", period: .seconds(10), now: epoch)
        _ = try await store.shouldSend(kind: .vacation, user: "u", peer: "long", key: "k", period: .seconds(1000), now: epoch)
        let removed = try await store.purgeExpired(now: epoch.addingTimeInterval(10))
        #expect(removed == 1)
        #expect(try await store.purgeExpired(now: epoch.addingTimeInterval(10)) == 0)
        // The long record is still live.
        #expect(!(try await store.shouldSend(
            kind: .vacation, user: "u", peer: "long", key: "k", period: .seconds(1000), now: epoch.addingTimeInterval(11))))
    }

    @Test("50 concurrent requests for one identity: exactly one sends", arguments: StoreKind.allCases)
    func concurrentRequests(kind: StoreKind) async throws {
        let folder = try TemporaryFolder()
        let store = kind.make(folder)
        let sent = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await store.shouldSend(
                        kind: .vacation, user: "u@x", peer: "s@y", key: "h", period: .seconds(86400), now: epoch)
                }
            }
            var count = 0
            for try await result in group where result { count += 1 }
            return count
        }
        #expect(sent == 1)
    }
}

@Suite("RFC 5230 §4.1 response tracking: SQLite store")
struct SQLiteTrackingStoreTests {
    @Test("records survive reopening the database")
    func persistence() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/tracking.sqlite"
        let first = SQLiteTrackingStore(path: path)
        #expect(try await first.shouldSend(kind: .vacation, user: "u", peer: "p", key: "k", period: .seconds(60), now: epoch))
        let second = SQLiteTrackingStore(path: path)
        #expect(!(try await second.shouldSend(kind: .vacation, user: "u", peer: "p", key: "k", period: .seconds(60), now: epoch)))
    }

    @Test("two store objects on one file (like two processes): 50 concurrent requests, one sends")
    func twoConnections() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/tracking.sqlite"
        let stores = [SQLiteTrackingStore(path: path), SQLiteTrackingStore(path: path)]
        try stores[0].open()
        try stores[1].open()
        let sent = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<50 {
                let store = stores[index % 2]
                group.addTask {
                    try await store.shouldSend(kind: .redirect, user: "u", peer: "t", key: "m", period: .seconds(60), now: epoch)
                }
            }
            var count = 0
            for try await result in group where result { count += 1 }
            return count
        }
        #expect(sent == 1)
    }

    @Test("the database is created on first use, not before")
    func createdOnFirstUse() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/nested/deeper/tracking.sqlite"
        let store = SQLiteTrackingStore(path: path)
        #expect(!FileManager.default.fileExists(atPath: path))
        _ = try await store.purgeExpired(now: epoch)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("expired rows are purged opportunistically, at most once per purge interval")
    func opportunisticPurge() async throws {
        let folder = try TemporaryFolder()
        let store = SQLiteTrackingStore(
            configuration: .init(path: folder.path + "/t.sqlite", purgeInterval: .seconds(100)))
        // The first call purges (nothing yet) and schedules the next purge at +100 s.
        _ = try await store.shouldSend(kind: .vacation, user: "u", peer: "a", key: "k", period: .seconds(10), now: epoch)
        _ = try await store.shouldSend(kind: .vacation, user: "u", peer: "b", key: "k", period: .seconds(10), now: epoch.addingTimeInterval(50))
        #expect(try await store.recordCount() == 2)
        // At +100 s a purge is due: both rows have expired, the new one stays.
        _ = try await store.shouldSend(kind: .vacation, user: "u", peer: "c", key: "k", period: .seconds(10), now: epoch.addingTimeInterval(100))
        #expect(try await store.recordCount() == 1)
    }

    @Test("an unusable location gives an error naming the path")
    func unusableLocation() async throws {
        let folder = try TemporaryFolder()
        let blocker = folder.path + "/file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        let store = SQLiteTrackingStore(path: blocker + "/tracking.sqlite")
        let error = await #expect(throws: TrackingStoreError.self) {
            _ = try await store.shouldSend(kind: .vacation, user: "u", peer: "p", key: "k", period: .seconds(1), now: epoch)
        }
        #expect(error?.message.contains(blocker) == true)
    }
}

@Suite("RFC 7352 §3 duplicate tracking: isLive and record")
struct DuplicateTrackingStoreTests {
    @Test("a recorded value is live until now + period, and only for its identity", arguments: StoreKind.allCases)
    func recordThenRead(kind: StoreKind) async throws {
        let folder = try TemporaryFolder()
        let store = kind.make(folder)
        #expect(!(try await store.isLive(kind: .duplicate, user: "u", peer: "+default", key: "<id@x>", now: epoch)))
        try await store.record(kind: .duplicate, user: "u", peer: "+default", key: "<id@x>", period: .seconds(60), now: epoch)
        #expect(try await store.isLive(kind: .duplicate, user: "u", peer: "+default", key: "<id@x>",
                                       now: epoch.addingTimeInterval(59)))
        #expect(!(try await store.isLive(kind: .duplicate, user: "u", peer: "+default", key: "<id@x>",
                                         now: epoch.addingTimeInterval(60))))
        #expect(!(try await store.isLive(kind: .duplicate, user: "other", peer: "+default", key: "<id@x>", now: epoch)))
        #expect(!(try await store.isLive(kind: .duplicate, user: "u", peer: "+h-lists", key: "<id@x>", now: epoch)))
        #expect(!(try await store.isLive(kind: .vacation, user: "u", peer: "+default", key: "<id@x>", now: epoch)))
    }

    @Test("recording again renews the expiry; a zero period records nothing", arguments: StoreKind.allCases)
    func renew(kind: StoreKind) async throws {
        let folder = try TemporaryFolder()
        let store = kind.make(folder)
        try await store.record(kind: .duplicate, user: "u", peer: "0default", key: "k", period: .seconds(10), now: epoch)
        try await store.record(kind: .duplicate, user: "u", peer: "0default", key: "k", period: .seconds(10),
                               now: epoch.addingTimeInterval(8))
        #expect(try await store.isLive(kind: .duplicate, user: "u", peer: "0default", key: "k", now: epoch.addingTimeInterval(15)))
        try await store.record(kind: .duplicate, user: "u", peer: "0default", key: "z", period: .zero, now: epoch)
        #expect(!(try await store.isLive(kind: .duplicate, user: "u", peer: "0default", key: "z", now: epoch)))
    }
}
