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
/// connection (and its PostgreSQL backend) keeps prepared. A shape keeps its text as PostgreSQL
/// receives it, so a statement's placeholders are numbered once, not on every request.
enum ReusedStatementNames {
    private struct Key: Hashable {
        var sql: String
        var types: [UInt32]
    }

    private static let shapes = Mutex<[Key: ReusedStatement.Shape]>([:])

    /// The shape of `statement` (its name, numbered text and parameter types), or nil once the table is full.
    static func shape(of statement: SQL) -> ReusedStatement.Shape? {
        let types = statement.parameterTypes
        let key = Key(sql: statement.sql, types: types.map(\.rawValue))
        if let shape = shapes.withLock({ $0[key] }) { return shape }
        let numbered = statement.numberedText
        return shapes.withLock { shapes in
            if let shape = shapes[key] { return shape }
            guard shapes.count < Limits.maxReusedStatementShapes else { return nil }
            let shape = ReusedStatement.Shape(name: "stride_\(shapes.count + 1)", sql: numbered, types: types)
            shapes[key] = shape
            return shape
        }
    }
}

extension PostgresConnection {
    /// Runs `statement` as a named prepared statement (prepared on this connection the first time)
    /// and hands each row to `body`; false when the shape table is full and the caller should send it
    /// unnamed.
    func executeReused(_ statement: SQL, logger: Logger, _ body: (PostgresRow) throws -> Void) async throws -> Bool {
        guard let shape = ReusedStatementNames.shape(of: statement) else { return false }
        try await ReusedStatement.$shape.withValue(shape) {
            for try await row in try await execute(ReusedStatement(bindings: statement.bindings), logger: logger) {
                try body(row)
            }
        }
        return true
    }
}
