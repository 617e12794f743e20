import Foundation
import GRDB
import StrideDomain
import Synchronization
import Testing
@testable import StrideSQLite

@Suite("Group commit of concurrent writes", .serialized)
struct GroupCommitTests {
    /// A pool on a fresh file with `items (name TEXT UNIQUE)`, and a count of its commits.
    private static func database() throws -> (DatabasePool, CommitCounter) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("group-commit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pool = try DatabasePool(path: directory.appendingPathComponent("test.db").path)
        try pool.write { db in try db.execute(sql: "CREATE TABLE items (name TEXT NOT NULL UNIQUE)") }
        let commits = CommitCounter()
        pool.add(transactionObserver: commits)
        return (pool, commits)
    }

    private static func insert(_ names: String..., returning value: Int) -> @Sendable (Database) throws -> Int {
        { db in
            for name in names { try db.execute(sql: "INSERT INTO items (name) VALUES (?)", arguments: [name]) }
            return value
        }
    }

    /// Runs a first write that holds the writer until `mates` more writes wait, then those writes
    /// (the held write blocks one cooperative thread: the suite runs its tests one at a time);
    /// returns the mates' outcomes in order.
    private static func writeWhileHeld(
        _ groups: GroupCommit, mates: [@Sendable (Database) throws -> Int], rowsEach: Int = 1
    ) async -> [Result<Int, any Error>] {
        let holding = Flag()
        return await withTaskGroup(of: (Int, Result<Int, any Error>).self) { tasks in
            tasks.addTask {
                let held = await outcome {
                    try await groups.write { _ in
                        holding.value.store(true, ordering: .sequentiallyConsistent)
                        let deadline = Date().addingTimeInterval(10)
                        while groups.waitingCount < mates.count, Date() < deadline { usleep(1000) }
                        return -1
                    }
                }
                return (-1, held)
            }
            while !holding.value.load(ordering: .sequentiallyConsistent) { try? await Task.sleep(for: .milliseconds(1)) }
            for (index, mate) in mates.enumerated() {
                tasks.addTask { (index, await outcome { try await groups.write(rows: rowsEach, mate) }) }
            }
            var results = [Result<Int, any Error>](repeating: .success(0), count: mates.count)
            for await (index, result) in tasks where index >= 0 { results[index] = result }
            return results
        }
    }

    @Test("writes that arrive while a transaction runs share the next one, and each gets its own value")
    func shared() async throws {
        let (pool, commits) = try Self.database()
        let groups = GroupCommit(pool)
        let results = await Self.writeWhileHeld(groups, mates: (0..<5).map { Self.insert("item\($0)", returning: $0) })
        #expect(results.map { try? $0.get() } == [0, 1, 2, 3, 4])
        #expect(try await pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM items ORDER BY name") }
            == ["item0", "item1", "item2", "item3", "item4"])
        // The held write alone, then the five together.
        #expect(commits.count == 2)
    }

    @Test("a write that fails in a shared transaction fails alone: its own changes are undone, its batch-mates commit")
    func failureStaysWithItsWrite() async throws {
        let (pool, commits) = try Self.database()
        let groups = GroupCommit(pool)
        let results = await Self.writeWhileHeld(groups, mates: [
            Self.insert("a", returning: 1),
            // Inserts "b", then fails on the duplicate "a": "b" must not stay.
            Self.insert("b", "a", returning: 2),
            Self.insert("c", returning: 3),
        ])
        #expect(try results[0].get() == 1)
        #expect(throws: DatabaseError.self) { try results[1].get() }
        #expect(try results[2].get() == 3)
        #expect(try await pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM items ORDER BY name") } == ["a", "c"])
        #expect(commits.count == 2)
    }

    @Test("a group takes waiting writes only while their rows fit the group's budget")
    func rowsBudget() async throws {
        let (pool, commits) = try Self.database()
        let groups = GroupCommit(pool)
        let rowsEach = Limits.maxRowsPerGroupTransaction / 2 + 1
        let results = await Self.writeWhileHeld(groups, mates: (0..<3).map { Self.insert("big\($0)", returning: $0) }, rowsEach: rowsEach)
        #expect(results.map { try? $0.get() } == [0, 1, 2])
        // The held write, then each large write in a transaction of its own.
        #expect(commits.count == 4)
    }

    @Test("a lone write runs in a transaction of its own, and its error reaches its caller")
    func alone() async throws {
        let (pool, commits) = try Self.database()
        let groups = GroupCommit(pool)
        #expect(try await groups.write(Self.insert("x", returning: 7)) == 7)
        await #expect(throws: DatabaseError.self) { try await groups.write(Self.insert("y", "x", returning: 8)) }
        #expect(try await pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM items") } == ["x"])
        #expect(commits.count == 1)
        #expect(groups.waitingCount == 0)
    }

    @Test("many concurrent writers all land, each exactly once")
    func many() async throws {
        let (pool, _) = try Self.database()
        let groups = GroupCommit(pool)
        let values = await withTaskGroup(of: Int?.self) { tasks in
            for index in 0..<400 {
                tasks.addTask { try? await groups.write(Self.insert("n\(index)", returning: index)) }
            }
            return await tasks.reduce(into: [Int]()) { all, value in if let value { all.append(value) } }
        }
        #expect(values.sorted() == Array(0..<400))
        #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items") } == 400)
    }
}

private final class Flag: Sendable {
    let value = Atomic(false)
}

private func outcome(_ body: () async throws -> Int) async -> Result<Int, any Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}

/// Counts the transactions that commit (GRDB's observer of every transaction).
private final class CommitCounter: TransactionObserver, @unchecked Sendable {
    private let commits = Mutex(0)

    var count: Int { commits.withLock { $0 } }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { commits.withLock { $0 += 1 } }
    func databaseDidRollback(_ db: Database) {}
}
