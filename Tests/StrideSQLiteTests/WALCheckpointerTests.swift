import Foundation
import GRDB
import Testing
@testable import StrideSQLite

@Suite("Checkpoints of the write-ahead log, off the commit path")
struct WALCheckpointerTests {
    /// A pool on a fresh file whose writer reports its commits to `checkpointer`, with a table of blobs.
    private static func database(_ checkpointer: WALCheckpointer) throws -> (DatabasePool, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("test.db").path
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            if !db.configuration.readonly { checkpointer.install(on: db) }
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.write { db in try db.execute(sql: "CREATE TABLE blobs (body BLOB NOT NULL)") }
        return (pool, path)
    }

    /// One transaction that appends about `pages` pages to the log.
    private static func write(pages: Int, to pool: DatabasePool) throws {
        try pool.write { db in
            for _ in 0..<pages { try db.execute(sql: "INSERT INTO blobs VALUES (randomblob(3900))") }
        }
    }

    private static func eventually(_ condition: () throws -> Bool) async throws -> Bool {
        for _ in 0..<500 {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test("past the threshold a checkpoint runs on its own connection, and the log starts over")
    func background() async throws {
        let checkpointer = WALCheckpointer(thresholdPages: 100, ceilingPages: 100_000)
        let (pool, path) = try Self.database(checkpointer)
        try checkpointer.start(path: path)
        var sizes: [Int] = []
        for _ in 0..<8 {
            try Self.write(pages: 20, to: pool)
            sizes.append(checkpointer.logPages)
        }
        #expect((sizes.max() ?? 0) >= 100)
        #expect(try await Self.eventually { checkpointer.completedCheckpoints >= 1 })
        // After the pass, the writer copies what came meanwhile, and the next write starts the log over.
        let restarted = try await Self.eventually {
            try Self.write(pages: 1, to: pool)
            return checkpointer.logPages < 100
        }
        #expect(restarted)
        let rows = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blobs") }
        #expect((rows ?? 0) >= 161)
        try checkpointer.close()
        try pool.close()
    }

    @Test("below the threshold nothing is checkpointed, and SQLite's own automatic checkpoint is off")
    func belowThreshold() async throws {
        let checkpointer = WALCheckpointer(thresholdPages: 5_000, ceilingPages: 100_000)
        let (pool, path) = try Self.database(checkpointer)
        try checkpointer.start(path: path)
        // SQLite's default would have checkpointed at 1,000 pages.
        for _ in 0..<15 { try Self.write(pages: 100, to: pool) }
        #expect(checkpointer.logPages >= 1_500)
        #expect(checkpointer.completedCheckpoints == 0)
        try checkpointer.close()
        try pool.close()
    }

    @Test("without its connection, or when checkpoints cannot keep up, the writer checkpoints at the ceiling")
    func ceiling() throws {
        let checkpointer = WALCheckpointer(thresholdPages: 50, ceilingPages: 200)
        let (pool, _) = try Self.database(checkpointer)
        var sizes: [Int] = []
        for _ in 0..<30 {
            try Self.write(pages: 20, to: pool)
            sizes.append(checkpointer.logPages)
        }
        #expect(checkpointer.completedCheckpoints == 0)
        #expect((sizes.max() ?? 0) < 260)
        #expect(sizes.contains { $0 < 50 })
        try pool.close()
    }
}
