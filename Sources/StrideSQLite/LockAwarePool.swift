import CoreMetrics
import Foundation
import GRDB
import StrideStore

/// The store's `DatabasePool`, with one change: a lock that outlasted the busy timeout surfaces as
/// ``StoreUnavailable`` instead of GRDB's error, whose text carries SQL.
///
/// Every store call goes through `read` or `write` here, so no call site can forget the mapping.
/// Writes go through ``GroupCommit``: concurrent ones share a transaction.
struct LockAwarePool: Sendable {
    private let pool: DatabasePool
    private let groups: GroupCommit
    private let checkpointer: WALCheckpointer
    private let busyTimeout: TimeInterval
    private let timers: DatabaseTimers
    /// Sees every call, so the caches are released only once the store has gone quiet.
    private let idleRelease = QuietSpellWatcher()

    init(_ pool: DatabasePool, checkpointer: WALCheckpointer, busyTimeout: TimeInterval, timers: DatabaseTimers) {
        self.pool = pool
        self.checkpointer = checkpointer
        self.groups = GroupCommit(pool)
        self.busyTimeout = busyTimeout
        self.timers = timers
    }

    /// `rows`: about how many rows the write adds or changes, which bounds the transactions it shares
    /// (``GroupCommit``).
    func write<T: Sendable>(rows: Int = 1, _ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let queued = ContinuousClock.now
        let timers = self.timers
        idleRelease.noteCall()
        do {
            return try await groups.write(rows: rows) { db in
                let began = ContinuousClock.now
                defer { timers.record(queued: queued, began: began, in: timers.writerWait, timers.write) }
                return try updates(db)
            }
        } catch let error as DatabaseError where Self.isLockTimeout(error) {
            throw StoreUnavailable(waitedSeconds: busyTimeout)
        }
    }

    func read<T>(_ value: (Database) throws -> T) throws -> T {
        let queued = ContinuousClock.now
        idleRelease.noteCall()
        do {
            return try pool.read { db in
                let began = ContinuousClock.now
                defer { timers.record(queued: queued, began: began, in: timers.readerWait, timers.read) }
                return try value(db)
            }
        } catch let error as DatabaseError where Self.isLockTimeout(error) {
            throw StoreUnavailable(waitedSeconds: busyTimeout)
        }
    }

    /// A write outside a transaction, for statements SQLite refuses inside one (VACUUM).
    func writeWithoutTransaction<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        idleRelease.noteCall()
        do {
            return try await pool.writeWithoutTransaction(updates)
        } catch let error as DatabaseError where Self.isLockTimeout(error) {
            throw StoreUnavailable(waitedSeconds: busyTimeout)
        }
    }

    /// Copies a consistent snapshot of the database into `destination` with SQLite's backup API;
    /// writers carry on meanwhile (WAL readers never block them).
    func backup(to destination: DatabaseQueue) throws {
        try pool.backup(to: destination)
    }

    /// Empties SQLite's page caches whenever the store goes quiet after a busy spell, then runs
    /// `afterRelease`.
    ///
    /// Under load the writer's page cache fills to its `cache_size` and each reader's to SQLite's
    /// default 2 MiB, and SQLite keeps those pages when the load ends: they were most of the
    /// difference between the server's RSS before and after the standard workloads
    /// (docs/performance.md). Idle readers are closed too; the next read opens one again in a
    /// fraction of a millisecond.
    func releaseMemoryWhenIdle(then afterRelease: @escaping @Sendable () -> Void) {
        // Weak: a store dropped without `close` ends the watch at its next look.
        idleRelease.start { [weak pool] in
            guard let pool else { return false }
            pool.releaseMemory()
            afterRelease()
            return true
        }
    }

    func close() throws {
        idleRelease.stop()
        try checkpointer.close()
        try pool.close()
    }

    private static func isLockTimeout(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
    }
}

/// How long store calls wait for a connection (the one writer, or a reader of the pool) and then
/// hold it, for `GET /metrics`.
struct DatabaseTimers: Sendable {
    let writerWait: CoreMetrics.Timer
    let write: CoreMetrics.Timer
    let readerWait: CoreMetrics.Timer
    let read: CoreMetrics.Timer

    init(factory: any MetricsFactory) {
        writerWait = CoreMetrics.Timer(label: "stride_db_wait_seconds", dimensions: [("connection", "writer")], factory: factory)
        write = CoreMetrics.Timer(label: "stride_db_seconds", dimensions: [("connection", "writer")], factory: factory)
        readerWait = CoreMetrics.Timer(label: "stride_db_wait_seconds", dimensions: [("connection", "reader")], factory: factory)
        read = CoreMetrics.Timer(label: "stride_db_seconds", dimensions: [("connection", "reader")], factory: factory)
    }

    func record(queued: ContinuousClock.Instant, began: ContinuousClock.Instant, in wait: CoreMetrics.Timer, _ work: CoreMetrics.Timer) {
        wait.recordNanoseconds(Self.nanoseconds(began - queued))
        work.recordNanoseconds(Self.nanoseconds(ContinuousClock.now - began))
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
