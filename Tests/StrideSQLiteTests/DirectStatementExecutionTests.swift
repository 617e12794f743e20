import Foundation
import GRDB
import Testing
@testable import StrideSQLite

@Suite("Statements bound through SQLite's C API")
struct DirectStatementExecutionTests {
    private func table() throws -> DatabaseQueue {
        let database = try DatabaseQueue()
        try database.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, d REAL, s TEXT, b BLOB, n TEXT)")
        }
        return database
    }

    @Test("every storage class is stored as GRDB's own binding stores it")
    func storageClasses() throws {
        let database = try table()
        let insert = MultiRowInsert(head: "INSERT INTO t (id, i, d, s, b, n) VALUES", columns: 6)
        let rows: [[DatabaseValue]] = [
            [1.databaseValue, Int64.max.databaseValue, (-0.25).databaseValue, "héllo".databaseValue, Data([0, 1, 255]).databaseValue, .null],
            [2.databaseValue, Int64.min.databaseValue, Double.greatestFiniteMagnitude.databaseValue, "".databaseValue, Data().databaseValue, .null],
        ]
        let viaGRDB = try DatabaseQueue()
        try viaGRDB.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, d REAL, s TEXT, b BLOB, n TEXT)")
            for row in rows { try db.execute(sql: "INSERT INTO t (id, i, d, s, b, n) VALUES (?, ?, ?, ?, ?, ?)", arguments: StatementArguments(row)) }
        }
        try database.write { db in
            #expect(db.isInsideTransaction)
            let inserted = try insert.execute(rows.flatMap { $0 }, in: db)
            #expect(inserted == 2)
        }
        let select = "SELECT id, i, d, s, b, n, typeof(s), typeof(b), typeof(n) FROM t ORDER BY id"
        let direct = try database.read { db in try Row.fetchAll(db, sql: select) }
        let expected = try viaGRDB.read { db in try Row.fetchAll(db, sql: select) }
        #expect(direct == expected)
    }

    @Test("values that do not fill whole rows are refused before anything is bound or written")
    func partialRow() throws {
        let database = try table()
        let insert = MultiRowInsert(head: "INSERT INTO t (id, i, d, s, b, n) VALUES", columns: 6)
        try database.write { db in
            #expect(throws: DatabaseError.self) { try insert.execute([1.databaseValue, 2.databaseValue], in: db) }
        }
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") } == 0)
    }

    @Test("a failing statement throws SQLite's error, undoes only itself, and the statement runs again")
    func failure() throws {
        let database = try table()
        let insert = MultiRowInsert(head: "INSERT INTO t (id, i) VALUES", columns: 2)
        try database.write { db in
            try insert.execute([1.databaseValue, 10.databaseValue], in: db)
            let error = #expect(throws: DatabaseError.self) {
                try insert.execute([2.databaseValue, 20.databaseValue, 1.databaseValue, 11.databaseValue], in: db)
            }
            #expect(error?.resultCode == .SQLITE_CONSTRAINT)
            #expect(db.isInsideTransaction)
            try insert.execute([3.databaseValue, 30.databaseValue], in: db)
        }
        let ids = try database.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM t ORDER BY id") }
        #expect(ids == [1, 3])
    }

    @Test("outside a transaction the insert is refused before anything is written")
    func outsideTransaction() throws {
        let database = try table()
        let insert = MultiRowInsert(head: "INSERT INTO t (id, i) VALUES", columns: 2)
        database.writeWithoutTransaction { db in
            let error = #expect(throws: DatabaseError.self) { try insert.execute([1.databaseValue, 10.databaseValue], in: db) }
            #expect(error?.resultCode == .SQLITE_MISUSE)
        }
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 0)
    }

    @Test("a query's first row is read by position, NULL text as nil, and no row as nil, with or without a transaction")
    func firstRow() throws {
        let database = try table()
        try database.write { db in
            try db.execute(sql: "INSERT INTO t (id, i, s, n) VALUES (1, \(Int64.min), 'héllo', NULL), (2, 7, '', NULL)")
        }
        let select = "SELECT i, s, n FROM t WHERE id = ?"
        func read(_ id: Int64, in db: Database) throws -> (Int64, String?, String?)? {
            try DirectStatementExecution.firstRow(db.cachedStatement(sql: select), in: db, bind: { $0.append(id) }) { row in
                (row.integer(0), row.text(1), row.text(2))
            }
        }
        try database.writeWithoutTransaction { db in
            #expect(!db.isInsideTransaction)
            let first = try read(1, in: db)
            #expect(first?.0 == Int64.min)
            #expect(first?.1 == "héllo")
            #expect(first?.2 == nil)
            #expect(try read(2, in: db)?.1 == "")
            #expect(try read(3, in: db) == nil)
        }
        let inReadTransaction = try database.read { db in try read(1, in: db)?.0 }
        #expect(inReadTransaction == Int64.min)
    }

    @Test("a statement that writes is refused by the direct read before it runs")
    func firstRowRefusesWrites() throws {
        let database = try table()
        try database.write { db in
            let error = #expect(throws: DatabaseError.self) {
                try DirectStatementExecution.firstRow(
                    db.cachedStatement(sql: "INSERT INTO t (id) VALUES (?) RETURNING id"), in: db, bind: { $0.append(Int64(1)) }
                ) { $0.integer(0) }
            }
            #expect(error?.resultCode == .SQLITE_MISUSE)
        }
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 0)
    }

    @Test("a read with the wrong number of values is refused, and the statement is left ready for the next read")
    func firstRowWrongArity() throws {
        let database = try table()
        try database.write { db in
            try db.execute(sql: "INSERT INTO t (id, i) VALUES (1, 5)")
            let statement = try db.cachedStatement(sql: "SELECT i FROM t WHERE id = ?")
            let error = #expect(throws: DatabaseError.self) {
                try DirectStatementExecution.firstRow(statement, in: db, bind: { _ in }) { $0.integer(0) }
            }
            #expect(error?.resultCode == .SQLITE_MISUSE)
            #expect(try DirectStatementExecution.firstRow(statement, in: db, bind: { $0.append(Int64(1)) }) { $0.integer(0) } == 5)
        }
    }
}
