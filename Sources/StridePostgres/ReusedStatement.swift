import Logging
import PostgresNIO
import StrideDomain
import Synchronization

/// A hot statement sent as a named prepared statement, so that PostgreSQL parses it once per
/// connection and can keep its plan, instead of parsing and planning it on every request as it does
/// an unnamed statement.
///
/// postgres-nio 1.33 prepares only statements whose name, text and parameter types are static
/// members of a type; Stride's statements are assembled at run time (the search plan, the batch's
/// CTEs). The static members therefore read a task-local ``Shape``, bound only around the
/// `execute` call, which reads them before its first suspension and again, still inside the
/// binding, when it annotates an error.
struct ReusedStatement: PostgresPreparedStatement {
    /// What a prepared statement is per connection: its name, its text and its parameter types.
    struct Shape: Sendable {
        var name: String
        var sql: String
        var types: [PostgresDataType]
    }

    @TaskLocal static var shape = Shape(name: "", sql: "", types: [])

    static var name: String { shape.name }
    static var sql: String { shape.sql }
    static var bindingDataTypes: [PostgresDataType] { shape.types }

    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// The names given to statement shapes in this process: one per distinct text and parameter types,
/// the same on every connection. Statements are assembled from fixed text, so the shapes are few;
/// past ``Limits/maxReusedStatementShapes`` a new shape goes unnamed, which bounds what each
/// connection (and its PostgreSQL backend) keeps prepared.
enum ReusedStatementNames {
    private struct Key: Hashable {
        var sql: String
        var types: [UInt32]
    }

    private static let names = Mutex<[Key: String]>([:])

    /// The name for this text and these parameter types, or nil once the table is full.
    static func name(sql: String, types: [PostgresDataType]) -> String? {
        let key = Key(sql: sql, types: types.map(\.rawValue))
        return names.withLock { names in
            if let name = names[key] { return name }
            guard names.count < Limits.maxReusedStatementShapes else { return nil }
            let name = "stride_\(names.count + 1)"
            names[key] = name
            return name
        }
    }
}

extension PostgresConnection {
    /// Runs `statement` as a named prepared statement (prepared on this connection the first time)
    /// and hands each row to `body`; nil when the shape table is full and the caller should send it
    /// unnamed.
    func executeReused(_ query: PostgresQuery, types: [PostgresDataType], logger: Logger, _ body: (PostgresRow) throws -> Void)
        async throws -> Bool
    {
        guard let name = ReusedStatementNames.name(sql: query.sql, types: types) else { return false }
        try await ReusedStatement.$shape.withValue(ReusedStatement.Shape(name: name, sql: query.sql, types: types)) {
            for try await row in try await execute(ReusedStatement(bindings: query.binds), logger: logger) {
                try body(row)
            }
        }
        return true
    }
}
