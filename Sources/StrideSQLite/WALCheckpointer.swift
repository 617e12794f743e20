import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Copies the write-ahead log into the database file mostly on a connection of its own, off the
/// commit path.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that request
/// waits while every page of the log is copied into the file and both are synced. At SQLite's
/// 1,000 pages that happened every 70-100 create-runs and copied the same hot pages (table ends,
/// index leaves) each time; at 64 MiB it costs less CPU per write but held one commit for 20-50 ms
/// (p99 of create-run and log-metric 3-7 ms -> 23-45 ms; docs/performance.md).
///
/// Installed as the writer's WAL hook instead, this sees the log's size after every commit. Past
/// ``thresholdPages`` its own connection copies the log in a `PASSIVE` checkpoint, which waits for
/// neither the writer nor readers. Writes go on meanwhile, and the log can start over only once a
/// checkpoint has copied all of it: while more than ``finishPages`` arrived during a pass, another
/// pass copies them; once fewer did, the next commit's writer copies them itself (no more than
/// SQLite's own checkpoint would have), and the write after that starts the log again. Should
/// the log still reach ``ceilingPages`` (readers that keep old snapshots, a failing checkpoint, or no
/// connection yet), the committing writer checkpoints as SQLite's own hook would.
final class WALCheckpointer: Sendable {
    /// The log's size, in pages, from which a background checkpoint runs.
    let thresholdPages: CInt
    /// The log's size from which the committing writer checkpoints itself.
    let ceilingPages: CInt
    /// The most pages of the log the writer copies at the end of a background pass.
    let finishPages: CInt

    private let connection = Mutex<DatabaseQueue?>(nil)
    private let phase = Atomic<UInt8>(Phase.idle.rawValue)
    private let completed = Atomic<Int>(0)
    private let lastLogPages = Atomic<Int>(0)
    /// How much of the log the latest background pass copied.
    private let copiedPages = Atomic<Int>(0)

    private enum Phase: UInt8 {
        /// The log is below the threshold, or no pass has begun.
        case idle
        /// The checkpoint connection is copying the log.
        case copying
        /// A pass has ended: the writer copies what arrived during it after its next commit.
        case copied
    }

    /// The defaults are 64 MiB, 256 MiB and 4 MiB of 4 KiB pages (SQLite's own threshold is 1,000 pages).
    init(thresholdPages: CInt = 16_384, ceilingPages: CInt = 65_536, finishPages: CInt = 1_000) {
        self.thresholdPages = thresholdPages
        self.ceilingPages = max(thresholdPages, ceilingPages)
        self.finishPages = finishPages
    }

    /// Opens the checkpoint connection; until then, only the ceiling applies.
    func start(path: String) throws {
        var configuration = Configuration()
        configuration.label = "stride-checkpoint"
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        connection.withLock { $0 = queue }
    }

    /// Closes the checkpoint connection, after the checkpoint it may be running.
    func close() throws {
        let queue = connection.withLock { connection in
            defer { connection = nil }
            return connection
        }
        try queue?.close()
    }

    /// Background checkpoints finished so far.
    var completedCheckpoints: Int { completed.load(ordering: .relaxed) }

    /// The log's size in pages after the latest commit.
    var logPages: Int { lastLogPages.load(ordering: .relaxed) }

    /// Makes this the WAL hook of `db`, the writer, in place of SQLite's automatic checkpoint.
    ///
    /// The hook holds this object unretained: `db`'s configuration, whose `prepareDatabase` closure
    /// calls this, retains it for as long as the connection lives.
    func install(on db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, { context, writer, _, pages in
            guard let context else { return SQLITE_OK }
            Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(logPages: pages, writer: writer)
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    private func committed(logPages pages: CInt, writer: OpaquePointer?) {
        lastLogPages.store(Int(truncatingIfNeeded: pages), ordering: .relaxed)
        if pages >= ceilingPages {
            sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            return
        }
        guard pages >= thresholdPages else {
            // The log started over after a pass that copied all of it: the pass's count is of the old log.
            if phase.load(ordering: .relaxed) == Phase.copied.rawValue {
                phase.compareExchange(expected: Phase.copied.rawValue, desired: Phase.idle.rawValue, ordering: .acquiringAndReleasing)
            }
            return
        }
        switch Phase(rawValue: phase.load(ordering: .acquiring)) {
        case .idle:
            copyInBackground(from: .idle)
        case .copied where Int(truncatingIfNeeded: pages) - copiedPages.load(ordering: .relaxed) > Int(truncatingIfNeeded: finishPages):
            copyInBackground(from: .copied)
        case .copied:
            sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            phase.store(Phase.idle.rawValue, ordering: .releasing)
        case .copying, nil:
            return
        }
    }

    /// Starts a pass on the checkpoint connection, unless one is running or there is no connection.
    private func copyInBackground(from current: Phase) {
        guard let queue = connection.withLock({ $0 }),
            phase.compareExchange(expected: current.rawValue, desired: Phase.copying.rawValue, ordering: .acquiringAndReleasing).exchanged
        else { return }
        queue.asyncWriteWithoutTransaction { [self] db in
            // A failed pass (the file unwritable) leaves the log to grow to the ceiling.
            guard let pass = try? db.checkpoint(.passive) else {
                phase.store(Phase.idle.rawValue, ordering: .releasing)
                return
            }
            completed.add(1, ordering: .relaxed)
            copiedPages.store(pass.checkpointedFrameCount, ordering: .relaxed)
            phase.store(Phase.copied.rawValue, ordering: .releasing)
        }
    }
}
