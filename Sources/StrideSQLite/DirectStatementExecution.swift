import Foundation
import GRDB
import GRDBSQLite

/// Values bound one after another to the parameters of a statement, in order, through SQLite's C API.
struct StatementValues {
    fileprivate let handle: SQLiteStatement
    fileprivate var nextIndex: CInt = 1
    /// The first failed bind, reported once the values are bound (binds fail only on misuse).
    fileprivate var failure: CInt = SQLITE_OK

    /// SQLite copies the bytes before the bind call returns (`SQLITE_TRANSIENT` is a C macro Swift cannot import).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    fileprivate init(_ handle: SQLiteStatement) {
        self.handle = handle
    }

    mutating func append(_ value: Int64) {
        record(sqlite3_bind_int64(handle, nextIndex, value))
    }

    mutating func append(_ value: Double) {
        record(sqlite3_bind_double(handle, nextIndex, value))
    }

    /// Text is bound as GRDB binds it (a C string), so both store the same bytes.
    mutating func append(_ value: String) {
        record(sqlite3_bind_text(handle, nextIndex, value, -1, Self.transient))
    }

    mutating func append(_ value: DatabaseValue) {
        switch value.storage {
        case .null: record(sqlite3_bind_null(handle, nextIndex))
        case .int64(let integer): append(integer)
        case .double(let double): append(double)
        case .string(let text): append(text)
        case .blob(let data):
            let (handle, index) = (self.handle, nextIndex)
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
}

/// The columns of the row a query has stepped to, read by position; valid only inside the `read`
/// closure of ``DirectStatementExecution/firstRow(_:in:bind:read:)``.
struct StatementRow {
    fileprivate let handle: SQLiteStatement

    /// An integer column (a NULL reads as 0, as SQLite converts it).
    func integer(_ column: CInt) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    /// A text column, or nil when it is NULL.
    func text(_ column: CInt) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        // Widening a C int to Int is exact.
        let count = Int(truncatingIfNeeded: sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
}

/// Binds values to a prepared statement and steps it through SQLite's C API.
///
/// GRDB's `StatementArguments` converts every value through a key path and copies the array twice before
/// binding; for the 6,000 values of a 1,000-point log-batch that was 15 % of the request's CPU, and the
/// array of `DatabaseValue`s itself was large enough for glibc to map and unmap it on every request.
/// Values bound here are bound as GRDB binds them, so only the cost differs.
///
/// Only inside a transaction, which every store write is (group commit, import, migrations): outside
/// one, a failed statement could leave GRDB's view of the connection behind SQLite's, so the call is
/// refused before anything runs.
enum DirectStatementExecution {
    static func execute(_ statement: Statement, in db: Database, bind: (inout StatementValues) throws -> Void) throws {
        guard db.isInsideTransaction else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "bound directly only inside a transaction", sql: statement.sql)
        }
        try withBound(statement, bind: bind) { handle in
            while true {
                switch sqlite3_step(handle) {
                case SQLITE_DONE: return
                case SQLITE_ROW: continue
                default: throw lastError(of: db, sql: statement.sql)
                }
            }
        }
    }

    /// Reads the first row a query returns, or nil when it returns none.
    ///
    /// GRDB's `Row.fetchOne` builds `StatementArguments`, a `Row` and a column-name lookup per read; the
    /// lookups every small write starts with (its run, its experiment) pay that on each request. Only
    /// for statements that write nothing, so a failure leaves nothing for GRDB to account for, and a read
    /// needs no transaction of its own.
    static func firstRow<Value>(
        _ statement: Statement, in db: Database, bind: (inout StatementValues) throws -> Void, read: (StatementRow) throws -> Value
    ) throws -> Value? {
        guard sqlite3_stmt_readonly(statement.sqliteStatement) != 0 else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "only a statement that writes nothing is read directly", sql: statement.sql)
        }
        return try withBound(statement, bind: bind) { handle in
            switch sqlite3_step(handle) {
            case SQLITE_ROW: return try read(StatementRow(handle: handle))
            case SQLITE_DONE: return nil
            default: throw lastError(of: db, sql: statement.sql)
            }
        }
    }

    /// Binds the values, runs `body`, and leaves the statement reset with no bindings either way.
    private static func withBound<Result>(
        _ statement: Statement, bind: (inout StatementValues) throws -> Void, body: (SQLiteStatement) throws -> Result
    ) throws -> Result {
        let handle = statement.sqliteStatement
        // A previous failure is reported again by reset; it concerns that execution, not this one.
        _ = sqlite3_reset(handle)
        _ = sqlite3_clear_bindings(handle)
        defer {
            _ = sqlite3_reset(handle)
            _ = sqlite3_clear_bindings(handle)
        }
        var values = StatementValues(handle)
        try bind(&values)
        guard values.failure == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: values.failure), sql: statement.sql) }
        guard values.nextIndex == sqlite3_bind_parameter_count(handle) + 1 else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "wrong number of statement arguments", sql: statement.sql)
        }
        return try body(handle)
    }

    private static func lastError(of db: Database, sql: String) -> DatabaseError {
        let connection = db.sqliteConnection
        return DatabaseError(
            resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)),
            message: sqlite3_errmsg(connection).map { String(cString: $0) }, sql: sql)
    }
}
