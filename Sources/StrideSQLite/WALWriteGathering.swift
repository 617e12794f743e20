import CSQLiteWALWrites
import GRDB
import GRDBSQLite

/// SQLite's write-ahead log with each commit's frames written in one `pwrite` instead of two per page
/// (`Sources/CSQLiteWALWrites`): a VFS over the default one, installed as the process's default before
/// the store opens its first connection.
///
/// A create-run commits about 14 pages, so 28 `pwrite` calls became one; `perf` had put 15 % of its
/// server CPU in those calls (docs/performance.md, issue 18). The gathered bytes reach the file before
/// SQLite publishes the commit to other connections, and before anything reads, syncs, truncates or
/// checkpoints the log, so readers, checkpoints and crash recovery see what they saw before.
enum WALWriteGathering {
    /// Installs the VFS once per process; later calls only report the first call's outcome.
    static func install() throws {
        let result = stride_install_wal_write_gathering()
        guard result == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: result), message: "the write-ahead-log VFS could not be registered")
        }
    }

    /// The writes a connection's log has made to the file system since it was opened, and the frames
    /// they carried; nil when its log is not a gathering one.
    static func statistics(of db: Database) -> (writes: Int64, frames: Int64)? {
        var writes: Int64 = 0
        var frames: Int64 = 0
        guard stride_wal_write_statistics(db.sqliteConnection, &writes, &frames) == SQLITE_OK else { return nil }
        return (writes, frames)
    }
}
