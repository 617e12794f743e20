import GRDB
import StrideDomain
import Synchronization

/// The store's writes, joined into shared transactions (group commit).
///
/// A write that arrives while another is running waits; the next caller to find the writer free
/// (the leader) takes the waiting writes, up to a number of writes and of rows, and runs them in
/// one transaction, each inside its own savepoint, then commits once. So concurrent small writes
/// cost one `BEGIN`/`COMMIT` and one WAL append between them, and a write waits by suspending its
/// task, never by blocking a thread.
///
/// The leader runs the transaction on its own thread, through GRDB's synchronous writer: it is
/// the only writer of this process at that moment, so entering the writer does not wait and does
/// not hop to GRDB's writer queue (which cost two thread hand-offs per request, the largest part
/// of a small write's CPU here; docs/performance.md).
///
/// Every caller learns its outcome only after the commit that made its data durable. A write
/// that throws rolls back its own savepoint and fails alone; its batch-mates still commit. When
/// the transaction itself fails (SQLite rolled it back after an I/O error, or the commit
/// failed), nothing of it was acknowledged and each write of the group runs again in a
/// transaction of its own, exactly as it would have without grouping.
final class GroupCommit: Sendable {
    private let pool: DatabasePool
    private let queue = Mutex(WaitingWrites())

    init(_ pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `updates` in a write transaction, possibly shared with concurrent writes, and returns
    /// once that transaction has committed. `rows` is about how many rows the write adds or changes
    /// (``Limits/maxRowsPerGroupTransaction``).
    func write<T: Sendable>(rows: Int = 1, _ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let write = PendingWrite(rows: rows, updates)
        // The leader never suspends: its continuation is resumed before the await.
        let turn = await withUnsafeContinuation { (turn: UnsafeContinuation<Turn, Never>) in
            let leads = queue.withLock { queue in
                guard queue.leaderActive else {
                    queue.leaderActive = true
                    return true
                }
                queue.waiting.append(Waiting(write: write, turn: turn))
                return false
            }
            if leads { turn.resume(returning: .lead) }
        }
        if turn == .lead { lead(with: write) }
        return try write.result.get()
    }

    /// Writes waiting for the running group to finish.
    var waitingCount: Int {
        queue.withLock { $0.waiting.count }
    }

    /// Runs a group that starts with `own` and holds the writes waiting now, in arrival order, up to
    /// ``Limits/maxWritesPerTransaction`` writes and ``Limits/maxRowsPerGroupTransaction`` rows;
    /// then hands the writer on.
    private func lead(with own: PendingWrite<some Sendable>) {
        let mates = queue.withLock { queue in
            var rows = own.rows
            var count = 0
            for waiting in queue.waiting.prefix(Limits.maxWritesPerTransaction - 1) {
                let (total, overflow) = rows.addingReportingOverflow(waiting.write.rows)
                guard !overflow, total <= Limits.maxRowsPerGroupTransaction else { break }
                rows = total
                count += 1
            }
            let taken = Array(queue.waiting.prefix(count))
            queue.waiting.removeFirst(count)
            return taken
        }
        run([own] + mates.map(\.write))
        // The next leader starts its transaction while this group's callers answer.
        let next = queue.withLock { queue -> Waiting? in
            guard !queue.waiting.isEmpty else {
                queue.leaderActive = false
                return nil
            }
            return queue.waiting.removeFirst()
        }
        next?.turn.resume(returning: .lead)
        for mate in mates { mate.turn.resume(returning: .done) }
    }

    private func run(_ writes: [any GroupedWrite]) {
        guard writes.count > 1 else {
            runAlone(writes)
            return
        }
        do {
            let committed = try pool.writeWithoutTransaction { db -> Bool in
                try db.beginImmediateTransaction()
                for write in writes {
                    do {
                        try db.inSavepointOfOpenTransaction { try write.perform(db) }
                    } catch {
                        // Some errors (I/O, a full disk) make SQLite roll the whole transaction back.
                        guard db.isInsideTransaction else { return false }
                        write.fail(error)
                    }
                }
                do {
                    try db.commitTransaction()
                } catch {
                    if db.isInsideTransaction { try? db.rollback() }
                    return false
                }
                return true
            }
            if !committed { runAlone(writes) }
        } catch {
            // The transaction could not begin (the database is locked by another process).
            for write in writes { write.fail(error) }
        }
    }

    /// Each write in a transaction of its own.
    private func runAlone(_ writes: [any GroupedWrite]) {
        for write in writes {
            do {
                try pool.writeWithoutTransaction { db in
                    try db.inImmediateTransaction { try write.perform(db) }
                }
            } catch {
                write.fail(error)
            }
        }
    }
}

/// What a waiting write is woken for: its group committed, or it leads the next group.
private enum Turn {
    case done
    case lead
}

private struct Waiting: Sendable {
    let write: any GroupedWrite
    let turn: UnsafeContinuation<Turn, Never>
}

private struct WaitingWrites: ~Copyable {
    var waiting: [Waiting] = []
    /// A leader is running a group or about to: new writes wait for it.
    var leaderActive = false
}

/// A write with its caller's result type erased, so writes of any type share a group.
private protocol GroupedWrite: AnyObject, Sendable {
    /// About how many rows the write adds or changes.
    var rows: Int { get }
    /// Runs the caller's closure and keeps its value.
    func perform(_ db: Database) throws
    /// Keeps an error as the outcome instead.
    func fail(_ error: any Error)
}

/// One caller's closure and its outcome. The outcome is written by the leader's thread before it
/// resumes the caller, and read by the caller only after that resumption.
private final class PendingWrite<T: Sendable>: GroupedWrite, @unchecked Sendable {
    let rows: Int
    let updates: @Sendable (Database) throws -> T
    var result: Result<T, any Error> = .failure(WriteNotRun())

    init(rows: Int, _ updates: @escaping @Sendable (Database) throws -> T) {
        self.rows = max(1, rows)
        self.updates = updates
    }

    func perform(_ db: Database) throws {
        result = .success(try updates(db))
    }

    func fail(_ error: any Error) {
        result = .failure(error)
    }
}

/// The outcome of a write no group has run; a caller never sees it (every group sets each outcome).
private struct WriteNotRun: Error {}
