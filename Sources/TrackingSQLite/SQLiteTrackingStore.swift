import Foundation
import GRDB
import Tracking
import Synchronization

/// A `TrackingStore` in an embedded SQLite database (through GRDB), one file per node.
///
/// - The database is opened, created and migrated on first use (or by `open()`), in WAL
///   mode through a `DatabasePool`, so readers never block the one writer. A missing
///   parent folder is created.
/// - One row per `(kind, user, peer, key)` with its expiry; an index on the expiry
///   keeps purging cheap.
/// - `shouldSend` is a single `INSERT … ON CONFLICT DO UPDATE … WHERE expired`
///   statement: SQLite runs it atomically under its write lock, so of concurrent
///   deliveries (tasks in this process, or other processes sharing the file) exactly
///   one sees the row change and sends.
/// - Expired rows are purged opportunistically, at most once per `purgeInterval` of
///   the `now` passed in, inside a `shouldSend` call; and on demand by `purgeExpired`.
public final class SQLiteTrackingStore: TrackingStore {
    /// Where the database lives and how it is used.
    public struct Configuration: Sendable {
        /// The database file's path.
        public var path: String
        /// How long a writer waits for another process's write lock before failing.
        /// Default 10 seconds.
        public var busyTimeout: Duration
        /// Minimum time (by the callers' `now`) between opportunistic purges of expired
        /// rows. Default 1 hour.
        public var purgeInterval: Duration

        /// Makes a configuration for the database at `path`.
        public init(path: String, busyTimeout: Duration = .seconds(10), purgeInterval: Duration = .seconds(3600)) {
            self.path = path
            self.busyTimeout = busyTimeout
            self.purgeInterval = purgeInterval
        }
    }

    /// The configuration this store was made with.
    public let configuration: Configuration

    private struct State {
        var pool: DatabasePool?
        var nextPurge: Date?
    }

    private let state = Mutex(State())

    /// Makes a store for the database described by `configuration`. Nothing is opened
    /// until first use.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Makes a store for the database at `path`, with default settings.
    public convenience init(path: String) {
        self.init(configuration: Configuration(path: path))
    }

    /// Opens (creating and migrating if needed) the database now rather than on first
    /// use, e.g. to check a configuration at start-up.
    public func open() throws {
        _ = try database()
    }

    private func database() throws -> DatabasePool {
        try state.withLock { state in
            if let pool = state.pool { return pool }
            let pool = try Self.openDatabase(configuration)
            state.pool = pool
            return pool
        }
    }

    private static func openDatabase(_ configuration: Configuration) throws -> DatabasePool {
        let path = configuration.path
        let parent = (path as NSString).deletingLastPathComponent
        do {
            if !parent.isEmpty {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            }
        } catch {
            throw TrackingStoreError(
                "cannot create the folder \(parent) for the tracking database \(path): \(error.localizedDescription)")
        }
        var config = GRDB.Configuration()
        config.busyMode = .timeout(max(0, configuration.busyTimeout.secondsValue))
        config.label = "sluice.tracking"
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            try migrator.migrate(pool)
            return pool
        } catch {
            throw TrackingStoreError("cannot open the tracking database \(path): \(error)")
        }
    }

    /// Schema history. Add migrations at the end; never edit a released one.
    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: tracking records") { db in
            try db.execute(
                sql: """
                    CREATE TABLE tracking (
                        kind TEXT NOT NULL,
                        user TEXT NOT NULL,
                        peer TEXT NOT NULL,
                        key TEXT NOT NULL,
                        recorded_at REAL NOT NULL,
                        expires_at REAL NOT NULL,
                        PRIMARY KEY (kind, user, peer, key)
                    ) WITHOUT ROWID;
                    CREATE INDEX tracking_expires_at ON tracking (expires_at);
                    """)
        }
        return migrator
    }

    /// Whether an opportunistic purge is due at `now`; if so, schedules the next one.
    private func claimPurge(now: Date) -> Bool {
        state.withLock { state in
            if let next = state.nextPurge, now < next { return false }
            state.nextPurge = now.addingTimeInterval(configuration.purgeInterval.secondsValue)
            return true
        }
    }

    public func shouldSend(kind: TrackingKind, user: String, peer: String, key: String, period: Duration, now: Date)
        async throws -> Bool
    {
        let seconds = period.secondsValue
        guard seconds > 0 else { return true }
        let pool = try database()
        let recordedAt = now.timeIntervalSince1970
        let expiresAt = recordedAt + seconds
        let purge = claimPurge(now: now)
        do {
            return try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO tracking (kind, user, peer, key, recorded_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (kind, user, peer, key) DO UPDATE
                            SET recorded_at = excluded.recorded_at, expires_at = excluded.expires_at
                            WHERE tracking.expires_at <= excluded.recorded_at
                        """,
                    arguments: [kind.rawValue, user, peer, key, recordedAt, expiresAt])
                let inserted = db.changesCount > 0
                if purge {
                    try db.execute(sql: "DELETE FROM tracking WHERE expires_at <= ?", arguments: [recordedAt])
                }
                return inserted
            }
        } catch {
            throw TrackingStoreError("tracking database \(configuration.path): cannot record a \(kind.rawValue) record: \(error)")
        }
    }

    public func isLive(kind: TrackingKind, user: String, peer: String, key: String, now: Date) async throws -> Bool {
        let pool = try database()
        do {
            return try await pool.read { db in
                try Bool.fetchOne(
                    db,
                    sql: "SELECT EXISTS (SELECT 1 FROM tracking WHERE kind = ? AND user = ? AND peer = ? AND key = ? AND expires_at > ?)",
                    arguments: [kind.rawValue, user, peer, key, now.timeIntervalSince1970]) ?? false
            }
        } catch {
            throw TrackingStoreError("tracking database \(configuration.path): cannot read a \(kind.rawValue) record: \(error)")
        }
    }

    public func record(kind: TrackingKind, user: String, peer: String, key: String, period: Duration, now: Date)
        async throws
    {
        let seconds = period.secondsValue
        guard seconds > 0 else { return }
        let pool = try database()
        let recordedAt = now.timeIntervalSince1970
        do {
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO tracking (kind, user, peer, key, recorded_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (kind, user, peer, key) DO UPDATE
                            SET recorded_at = excluded.recorded_at, expires_at = excluded.expires_at
                        """,
                    arguments: [kind.rawValue, user, peer, key, recordedAt, recordedAt + seconds])
            }
        } catch {
            throw TrackingStoreError("tracking database \(configuration.path): cannot record a \(kind.rawValue) record: \(error)")
        }
    }

    public func forget(kind: TrackingKind, user: String, peer: String, key: String) async throws {
        let pool = try database()
        do {
            try await pool.write { db in
                try db.execute(
                    sql: "DELETE FROM tracking WHERE kind = ? AND user = ? AND peer = ? AND key = ?",
                    arguments: [kind.rawValue, user, peer, key])
            }
        } catch {
            throw TrackingStoreError("tracking database \(configuration.path): cannot remove a \(kind.rawValue) record: \(error)")
        }
    }

    @discardableResult
    public func purgeExpired(now: Date) async throws -> Int {
        let pool = try database()
        let cutoff = now.timeIntervalSince1970
        do {
            return try await pool.write { db in
                try db.execute(sql: "DELETE FROM tracking WHERE expires_at <= ?", arguments: [cutoff])
                return db.changesCount
            }
        } catch {
            throw TrackingStoreError("tracking database \(configuration.path): cannot purge expired records: \(error)")
        }
    }

    /// How many rows the database holds, live or expired (for diagnostics and tests).
    public func recordCount() async throws -> Int {
        let pool = try database()
        do {
            return try await pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tracking") ?? 0
            }
        } catch {
            throw TrackingStoreError("tracking database \(configuration.path): cannot count records: \(error)")
        }
    }
}
