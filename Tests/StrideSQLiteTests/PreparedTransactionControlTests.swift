import Foundation
import GRDB
import Testing
@testable import StrideSQLite

@Suite("Transaction control through prepared statements")
struct PreparedTransactionControlTests {
    private static func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in try db.execute(sql: "CREATE TABLE items (name TEXT NOT NULL UNIQUE)") }
        return queue
    }

    private static func names(_ queue: DatabaseQueue) throws -> [String] {
        try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM items ORDER BY name") }
    }

    @Test("a transaction commits what its body wrote and returns its value")
    func commits() throws {
        let queue = try Self.database()
        let value = try queue.writeWithoutTransaction { db in
            try db.inImmediateTransaction {
                try db.execute(sql: "INSERT INTO items VALUES ('a'), ('b')")
                return 2
            }
        }
        #expect(value == 2)
        #expect(try Self.names(queue) == ["a", "b"])
        try queue.writeWithoutTransaction { db in #expect(!db.isInsideTransaction) }
    }

    @Test("a body that throws leaves nothing written and no transaction open, and its error reaches the caller")
    func rollsBack() throws {
        let queue = try Self.database()
        #expect(throws: DatabaseError.self) {
            try queue.writeWithoutTransaction { db in
                try db.inImmediateTransaction {
                    try db.execute(sql: "INSERT INTO items VALUES ('a'), ('a')")
                }
            }
        }
        #expect(try Self.names(queue) == [])
        try queue.writeWithoutTransaction { db in #expect(!db.isInsideTransaction) }
    }

    @Test("a savepoint that throws undoes only its own writes; the transaction goes on and commits the rest")
    func savepoints() throws {
        let queue = try Self.database()
        try queue.writeWithoutTransaction { db in
            try db.inImmediateTransaction {
                try db.inSavepointOfOpenTransaction { try db.execute(sql: "INSERT INTO items VALUES ('a')") }
                #expect(throws: DatabaseError.self) {
                    try db.inSavepointOfOpenTransaction { try db.execute(sql: "INSERT INTO items VALUES ('b'), ('a')") }
                }
                // The same statements serve the next savepoint.
                try db.inSavepointOfOpenTransaction { try db.execute(sql: "INSERT INTO items VALUES ('c')") }
            }
        }
        #expect(try Self.names(queue) == ["a", "c"])
    }
}
