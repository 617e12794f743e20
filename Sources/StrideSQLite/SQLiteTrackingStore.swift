public import CoreMetrics
import Foundation
import GRDB
public import Logging
import StrideDomain
public import StrideStore
import Synchronization

/// The embedded default store: one SQLite file in WAL mode through GRDB's `DatabasePool`
/// (one writer, concurrent readers).
///
/// Each store call is one closure on a pool connection, run on the caller's thread (reads, and
/// writes through ``GroupCommit``), however many statements it runs; statements come from GRDB's
/// per-connection cache. The first
/// version used sqlite-nio, where every statement is a separate thread-pool hop plus a fresh
/// prepare: a single log-metric took five hops and ~300 µs of CPU (bench/README.md).
public final class SQLiteTrackingStore: BackendStore {
    let pool: LockAwarePool
    /// Metric key → integer id. Ids never change once committed, so they are cached, but only after
    /// the transaction that created them commits.
    let metricKeyIDs = Mutex<[String: Int64]>([:])
    /// Entries of the per-experiment key summary known to be stored (see `recordKeys`), added
    /// once the transaction that wrote them commits.
    let recordedExperimentKeys = Mutex<Set<ExperimentKeyEntry>>([])

    init(pool: LockAwarePool) {
        self.pool = pool
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// `readerCount` defaults to more readers than the cooperative thread pool has threads (see
    /// ``readNow(_:)``).
    /// `busyTimeout` (seconds) bounds how long a statement waits for another process's lock (SQLite retries
    /// meanwhile); after it the call throws ``StoreUnavailable``.
    /// `metrics` receives how long calls wait for and hold connections (default: nowhere).
    public static func open(
        path: String, readerCount: Int? = nil, busyTimeout: Double = 10, logger: Logger,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) async throws -> SQLiteTrackingStore {
        try WALWriteGathering.install()
        let checkpointer = WALCheckpointer()
        var configuration = Configuration()
        configuration.maximumReaderCount = max(1, readerCount ?? ProcessInfo.processInfo.activeProcessorCount + 2)
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "stride"
        configuration.prepareDatabase { db in
            // NORMAL is durable across process crashes in WAL mode and fsyncs at checkpoints only.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Takes effect only in a new file (before WAL mode and the first table) or at the next
            // VACUUM: then `stride gc` can return freed pages to the file system in small steps.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL") }
            // The writer gets a larger page cache than readers (SQLite's default, 2 MiB) for index
            // locality on ingest. Ingest appends at the right edge of each (run, key) range of the
            // metrics key: one hot leaf per range, so 8 MiB holds those of 2,000 runs' keys logging at
            // once. At 64 MiB the cache filled with the pages of large dataset profiles and made up a
            // third of the peak RSS under maximum-size bodies (bench/max_bodies.py); 16 MiB still
            // filled under the standard ingest workloads and kept the server above FastTrackML's RSS
            // (docs/performance.md, issue 18).
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -8192") }
            // The writer's log is checkpointed off the commit path, at 64 MiB (``WALCheckpointer``); the
            // size limit truncates the log back after a larger transaction (an import) was checkpointed.
            if !db.configuration.readonly {
                checkpointer.install(on: db)
                try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
            }
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try Migrations.migrator.migrate(pool)
        try checkpointer.start(path: path)
        logger.debug("Opened SQLite store at \(path)")
        return SQLiteTrackingStore(
            pool: LockAwarePool(pool, checkpointer: checkpointer, busyTimeout: busyTimeout, timers: DatabaseTimers(factory: metrics)))
    }

    /// Runs a read on the calling thread.
    ///
    /// GRDB's async `read` hops to the reader's dispatch queue and back, and those two thread
    /// switches dominated small reads here (runs/get: 1,300 req/s at one client, against 5,800 for
    /// /health). The reader pool holds more connections than the cooperative pool has threads, so
    /// this never waits for a connection; it only does SQLite work, mostly from the page cache.
    /// Writes go through ``GroupCommit``: a write that finds the writer busy suspends its task
    /// instead of blocking a thread.
    func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    /// From now on SQLite's page caches are emptied whenever the store goes quiet after a busy
    /// spell, and `afterRelease` runs then (the server returns the freed heap to the system).
    public func releaseMemoryWhenIdle(then afterRelease: @escaping @Sendable () -> Void) {
        pool.releaseMemoryWhenIdle(then: afterRelease)
    }

    public func close() async throws {
        try pool.close()
    }
}

extension Row {
    /// A required integer column; the schema declares these NOT NULL.
    func int(_ name: String) -> Int64 { self[name] }

    func text(_ name: String) -> String { self[name] }

    func double(_ name: String) -> Double { self[name] }
}

/// How metric values are stored: NaN is not a value SQLite keeps (it becomes NULL), so it is
/// stored as 0 with a flag, as MLflow's SQL store does.
enum StoredMetricValue {
    static func encode(_ value: Double) -> (value: Double, isNaN: Int64) {
        value.isNaN ? (0, 1) : (value, 0)
    }

    static func decode(value: Double, isNaN: Int64) -> Double {
        isNaN != 0 ? .nan : value
    }
}

/// `?, ?, ?` for a statement with `count` placeholders.
func placeholders(_ count: Int) -> String {
    Array(repeating: "?", count: count).joined(separator: ", ")
}

/// `(?, ?), (?, ?)` for a multi-row VALUES clause.
func valueRows(_ rows: Int, columns: Int) -> String {
    let row = "(" + placeholders(columns) + ")"
    return Array(repeating: row, count: rows).joined(separator: ", ")
}

extension Array {
    /// Consecutive slices of at most `size` elements, for multi-row statements.
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
