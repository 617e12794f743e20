import Foundation
import GRDB
import Testing
@testable import StrideSQLite

@Suite("Write-ahead-log frames gathered into one write per commit")
struct WALWriteGatheringTests {
    /// A pool in WAL mode on a fresh file, opened after the gathering VFS is installed, with a table
    /// whose rows each fill most of a page and an index on it (two pages change per row).
    private static func database(writerCachePages: Int? = nil) throws -> (DatabasePool, URL) {
        try WALWriteGathering.install()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gather-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("test.db")
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // Stride's own setting: the commit path writes the log without syncing it. With no automatic
            // checkpoint, every committed frame stays in the log, where recovery must find it.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            if let writerCachePages, !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = \(writerCachePages)") }
        }
        let pool = try DatabasePool(path: path.path, configuration: configuration)
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE rows (id INTEGER PRIMARY KEY, tag TEXT NOT NULL, body BLOB NOT NULL)")
            try db.execute(sql: "CREATE INDEX rows_by_tag ON rows (tag)")
        }
        return (pool, directory)
    }

    /// Copies the file and its log while the pool is open and nothing is checkpointed (what a crash
    /// leaves), closes the pool, and opens the copy, which replays the log: every committed frame must
    /// be in the file. Returns the rows the pool read last and the rows of the copy, which must be
    /// sound.
    private static func closeAfterCrashCopy(_ pool: DatabasePool, in directory: URL) throws -> (read: [Row], recovered: [Row]) {
        let copy = directory.appendingPathComponent("copy")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        try pool.writeWithoutTransaction { _ in
            for name in ["test.db", "test.db-wal"] {
                try FileManager.default.copyItem(at: directory.appendingPathComponent(name), to: copy.appendingPathComponent(name))
            }
        }
        let select = "SELECT id, tag, hex(body) FROM rows ORDER BY id"
        let read = try pool.read { db in try Row.fetchAll(db, sql: select) }
        try pool.close()
        let recovered = try DatabaseQueue(path: copy.appendingPathComponent("test.db").path)
        #expect(try recovered.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
        return (read, try recovered.read { db in try Row.fetchAll(db, sql: select) })
    }

    private static func insert(_ ids: Range<Int>, in db: Database) throws {
        for id in ids {
            try db.execute(
                sql: "INSERT INTO rows VALUES (?, ?, randomblob(3000))", arguments: [id, "tag-\(id % 7)-" + String(repeating: "x", count: 300)])
        }
    }

    @Test("a commit of many pages reaches the log in one write, and another connection reads it at once")
    func oneWritePerCommit() throws {
        let (pool, _) = try Self.database()
        try pool.write { db in try Self.insert(0..<1, in: db) }
        let before = try #require(try pool.write { db in WALWriteGathering.statistics(of: db) })
        // About 25 pages: within what one write may carry.
        try pool.write { db in try Self.insert(1..<21, in: db) }
        let after = try #require(try pool.write { db in WALWriteGathering.statistics(of: db) })
        #expect(after.writes - before.writes == 1)
        #expect(after.frames - before.frames >= 20)
        let count = try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rows") }
        #expect(count == 21)
        try pool.close()
    }

    @Test("a transaction larger than the gathering limit, a rolled-back one and small ones all read back, here and after recovery")
    func recovery() throws {
        let (pool, directory) = try Self.database()
        // ~1,700 pages: far more than one write may carry, so the log is written in pieces before the commit.
        try pool.write { db in try Self.insert(0..<1_500, in: db) }
        for start in stride(from: 1_500, to: 1_600, by: 10) {
            try pool.write { db in try Self.insert(start..<(start + 10), in: db) }
            let seen = try pool.read { db in try Int.fetchOne(db, sql: "SELECT MAX(id) FROM rows") }
            #expect(seen == start + 9)
        }
        try? pool.write { db in
            try Self.insert(5_000..<5_400, in: db)
            throw DatabaseError(resultCode: .SQLITE_ABORT)
        }
        try pool.write { db in try Self.insert(1_600..<1_601, in: db) }
        let (expected, recovered) = try Self.closeAfterCrashCopy(pool, in: directory)
        #expect(expected.count == 1_601)
        #expect(recovered == expected)
    }

    @Test("transactions that spill pages to the log, then change them again, read back after every commit and after recovery")
    func spilledAndRewrittenFrames() throws {
        // A ten-page cache spills most transactions to the log before they commit; changing a spilled
        // page again rewrites its frame in place and the commit rewrites the checksums that follow it.
        let (pool, directory) = try Self.database(writerCachePages: 10)
        var nextID = 0
        for round in 0..<40 {
            // Transactions of 1 to 60 rows, each changing up to 39 rows written before, spread by primes.
            let added = round * 37 % 60 + 1
            try pool.write { db in
                try Self.insert(nextID..<(nextID + added), in: db)
                if nextID > 0 {
                    for change in 0..<(round * 11 % 40) {
                        let id = (round * 7_919 + change * 104_729) % nextID
                        try db.execute(sql: "UPDATE rows SET body = randomblob(2900 + ?) WHERE id = ?", arguments: [round, id])
                    }
                }
                try db.execute(sql: "UPDATE rows SET tag = tag || '!' WHERE id = ?", arguments: [nextID])
            }
            nextID += added
            let (count, bytes) = try pool.read { db in
                let row = try #require(try Row.fetchOne(db, sql: "SELECT COUNT(*), SUM(length(body)) FROM rows"))
                return (row[0] as Int, row[1] as Int)
            }
            #expect(count == nextID)
            #expect(bytes > 2_900 * nextID)
        }
        let (expected, recovered) = try Self.closeAfterCrashCopy(pool, in: directory)
        #expect(expected.count == nextID)
        #expect(recovered == expected)
    }
}
