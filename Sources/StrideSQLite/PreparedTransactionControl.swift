import GRDB

/// Transaction control through statements prepared once per connection.
///
/// GRDB's `beginTransaction`, `commit` and `inSavepoint` hand their SQL to `execute(sql:)`, which
/// splits and prepares it again on every call: 2–3 % of a small write's CPU in a profile
/// (docs/performance.md). These run the same SQL from the connection's statement cache, through
/// GRDB's statements, so GRDB still sees every transaction and savepoint begin and end.
extension Database {
    /// Runs `body` in an immediate transaction: commits when it returns, rolls back and rethrows when
    /// it throws.
    func inImmediateTransaction<T>(_ body: () throws -> T) throws -> T {
        try beginImmediateTransaction()
        let value: T
        do {
            value = try body()
        } catch {
            if isInsideTransaction { try? rollback() }
            throw error
        }
        do {
            try commitTransaction()
        } catch {
            if isInsideTransaction { try? rollback() }
            throw error
        }
        return value
    }

    func beginImmediateTransaction() throws {
        try cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
    }

    func commitTransaction() throws {
        try cachedStatement(sql: "COMMIT TRANSACTION").execute()
    }

    /// Runs `body` in a savepoint of the transaction already open: released when it returns; when it
    /// throws, its changes are undone and the error rethrown, the transaction's earlier changes kept
    /// (unless SQLite ended the whole transaction, as after an I/O error).
    func inSavepointOfOpenTransaction<T>(_ body: () throws -> T) throws -> T {
        try cachedStatement(sql: "SAVEPOINT one_write").execute()
        let value: T
        do {
            value = try body()
        } catch {
            if isInsideTransaction {
                try? cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT one_write").execute()
                try? cachedStatement(sql: "RELEASE SAVEPOINT one_write").execute()
            }
            throw error
        }
        try cachedStatement(sql: "RELEASE SAVEPOINT one_write").execute()
        return value
    }
}
