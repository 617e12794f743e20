import Foundation
import GRDB
import GRDBSQLite

/// Values bound one after another to the parameters of a statement, in order.
///
/// Inside a transaction they go straight to SQLite's C API; outside one they are collected for GRDB's
/// own execution (see `DirectStatementExecution`).
struct StatementValues {
    fileprivate enum Sink {
        case statement(SQLiteStatement)
        case collected([DatabaseValue])
    }

    fileprivate var sink: Sink
    fileprivate var nextIndex: CInt = 1
    /// The first failed bind, reported once the values are bound (binds fail only on misuse).
    fileprivate var failure: CInt = SQLITE_OK

    /// SQLite copies the bytes before the bind call returns (`SQLITE_TRANSIENT` is a C macro Swift cannot import).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    mutating func append(_ value: Int64) {
        switch sink {
        case .statement(let handle): record(sqlite3_bind_int64(handle, nextIndex, value))
        case .collected: collect(value.databaseValue)
        }
    }

    mutating func append(_ value: Double) {
        switch sink {
        case .statement(let handle): record(sqlite3_bind_double(handle, nextIndex, value))
        case .collected: collect(value.databaseValue)
        }
    }

    /// Text is bound as GRDB binds it (a C string), so both paths store the same bytes.
    mutating func append(_ value: String) {
        switch sink {
        case .statement(let handle): record(sqlite3_bind_text(handle, nextIndex, value, -1, Self.transient))
        case .collected: collect(value.databaseValue)
        }
    }

    mutating func append(_ value: DatabaseValue) {
        guard case .statement(let handle) = sink else { return collect(value) }
        switch value.storage {
        case .null: record(sqlite3_bind_null(handle, nextIndex))
        case .int64(let integer): append(integer)
        case .double(let double): append(double)
        case .string(let text): append(text)
        case .blob(let data):
            let index = nextIndex
            record(data.withUnsafeBytes { bytes in
                guard let length = CInt(exactly: bytes.count) else { return SQLITE_TOOBIG }
                return sqlite3_bind_blob(handle, index, bytes.baseAddress, length, Self.transient)
            })
        }
    }

    private mutating func record(_ code: CInt) {
        if code != SQLITE_OK && failure == SQLITE_OK { failure = code }
        nextIndex += 1
    }

    private mutating func collect(_ value: DatabaseValue) {
        guard case .collected(var values) = sink else { return }
        sink = .collected([])  // keeps `values` uniquely referenced, so the append does not copy
        values.append(value)
        sink = .collected(values)
        nextIndex += 1
    }
}

/// Binds values to a prepared statement and steps it through SQLite's C API.
///
/// GRDB's `StatementArguments` converts every value through a key path and copies the array twice before
/// binding; for the 6,000 values of a 1,000-point log-batch that was 15 % of the request's CPU, and the
/// array of `DatabaseValue`s itself was large enough for glibc to map and unmap it on every request.
/// Values bound here are bound as GRDB binds them, so only the cost differs. Outside a transaction
/// GRDB's own path runs instead: a failed statement there could leave GRDB's view of the connection
/// behind SQLite's.
enum DirectStatementExecution {
    static func execute(_ statement: Statement, in db: Database, bind: (inout StatementValues) throws -> Void) throws {
        guard db.isInsideTransaction else {
            var values = StatementValues(sink: .collected([]))
            try bind(&values)
            guard case .collected(let collected) = values.sink else { return }
            return try statement.execute(arguments: StatementArguments(collected))
        }
        let handle = statement.sqliteStatement
        // A previous failure is reported again by reset; it concerns that execution, not this one.
        _ = sqlite3_reset(handle)
        _ = sqlite3_clear_bindings(handle)
        defer {
            _ = sqlite3_reset(handle)
            _ = sqlite3_clear_bindings(handle)
        }
        var values = StatementValues(sink: .statement(handle))
        try bind(&values)
        guard values.failure == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: values.failure), sql: statement.sql) }
        guard values.nextIndex == sqlite3_bind_parameter_count(handle) + 1 else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "wrong number of statement arguments", sql: statement.sql)
        }
        while true {
            switch sqlite3_step(handle) {
            case SQLITE_DONE: return
            case SQLITE_ROW: continue
            default: throw lastError(of: db, sql: statement.sql)
            }
        }
    }

    private static func lastError(of db: Database, sql: String) -> DatabaseError {
        let connection = db.sqliteConnection
        return DatabaseError(
            resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)),
            message: sqlite3_errmsg(connection).map { String(cString: $0) }, sql: sql)
    }
}
