import PostgresNIO

/// A value bound to, or read from, a statement.
enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case bytes([UInt8])
    case bool(Bool)
    case integers([Int64])
    case reals([Double])
    case texts([String])

    var isNull: Bool { self == .null }
}

/// A type that binds as one ``SQLValue``.
protocol SQLConvertible: Sendable {
    var sqlValue: SQLValue { get }
}

extension SQLValue: SQLConvertible { var sqlValue: SQLValue { self } }
extension Int64: SQLConvertible { var sqlValue: SQLValue { .integer(self) } }
extension Int: SQLConvertible { var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Double: SQLConvertible { var sqlValue: SQLValue { .real(self) } }
extension String: SQLConvertible { var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLConvertible { var sqlValue: SQLValue { .bool(self) } }
extension Array: SQLConvertible where Element == Int64 { var sqlValue: SQLValue { .integers(self) } }
extension Optional: SQLConvertible where Wrapped: SQLConvertible { var sqlValue: SQLValue { self?.sqlValue ?? .null } }

/// A piece of SQL with `?` placeholders and the values for them, in order. User input only ever
/// travels in `arguments`; `sql` is assembled from fixed text. ``query`` numbers the placeholders
/// as PostgreSQL's `$1, $2, ...`.
struct SQL: Sendable {
    var sql: String
    var arguments: [SQLValue]
    /// Whether the statement is sent as a named prepared statement (``reused()``).
    var isReused = false

    init(_ sql: String, _ arguments: [SQLValue] = []) {
        self.sql = sql
        self.arguments = arguments
    }

    init(_ sql: String, _ first: any SQLConvertible, _ rest: any SQLConvertible...) {
        self.init(sql, [first.sqlValue] + rest.map(\.sqlValue))
    }

    /// The fragments joined by `separator`, their arguments concatenated in the same order.
    static func joined(_ fragments: [SQL], separator: String) -> SQL {
        SQL(fragments.map(\.sql).joined(separator: separator), fragments.flatMap(\.arguments))
    }

    static func + (lhs: SQL, rhs: SQL) -> SQL {
        var sum = SQL(lhs.sql + rhs.sql, lhs.arguments + rhs.arguments)
        sum.isReused = lhs.isReused
        return sum
    }

    /// This statement, sent as a named prepared statement (``ReusedStatement``): parsed once per
    /// connection, its plan kept by PostgreSQL when it judges a generic plan as good. For the hot
    /// statements, whose text comes from a few fixed shapes.
    func reused() -> SQL {
        var statement = self
        statement.isReused = true
        return statement
    }

    /// The parameter types PostgreSQL is told at preparation, one per argument, as the bindings encode them.
    var parameterTypes: [PostgresDataType] {
        arguments.map { argument in
            switch argument {
            case .null: .null
            case .integer: .int8
            case .real: .float8
            case .text: .text
            case .bytes: .bytea
            case .bool: .bool
            case .integers: .int8Array
            case .reals: .float8Array
            case .texts: .textArray
            }
        }
    }

    /// postgres-nio's query: `?` outside quoted text becomes `$n`.
    var query: PostgresQuery {
        PostgresQuery(unsafeSQL: numberedText, binds: bindings)
    }

    /// The arguments as postgres-nio binds them.
    var bindings: PostgresBindings {
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .null: binds.appendNull()
            case .integer(let value): binds.append(value)
            case .real(let value): binds.append(value)
            case .text(let value): binds.append(value)
            case .bytes(let value): binds.append(ByteBuffer(bytes: value))
            case .bool(let value): binds.append(value)
            case .integers(let value): binds.append(value)
            case .reals(let value): binds.append(value)
            case .texts(let value): binds.append(value)
            }
        }
        return binds
    }

    /// The text with each `?` outside quoted text numbered as PostgreSQL's `$1, $2, ...`.
    ///
    /// Scans UTF-8 bytes: `'` and `?` are ASCII, and no byte of a multi-byte character equals one.
    /// (Walking `Character`s, which segments graphemes, cost 14 % of a PostgreSQL log-metric's CPU for
    /// its statement of several CTEs.)
    var numberedText: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sql.utf8.count + arguments.count * 3)
        var number = 0
        var quoted = false
        for byte in sql.utf8 {
            if byte == UInt8(ascii: "'") { quoted.toggle() }
            if byte == UInt8(ascii: "?") && !quoted {
                number += 1
                bytes.append(UInt8(ascii: "$"))
                bytes.append(contentsOf: String(number).utf8)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// `?, ?, ?` for a statement with `count` placeholders.
func placeholders(_ count: Int) -> String {
    Array(repeating: "?", count: count).joined(separator: ", ")
}

/// One result row, its columns read by position.
struct SQLRow: Sendable {
    var values: [SQLValue]

    init(_ row: PostgresRow) throws {
        values = []
        values.reserveCapacity(row.count)
        for cell in row {
            values.append(try Self.value(of: cell))
        }
    }

    subscript(index: Int) -> SQLValue { values[index] }

    /// A required integer column; the schema declares these NOT NULL.
    func int(_ index: Int) -> Int64 {
        if case .integer(let value) = values[index] { return value }
        return 0
    }

    func optionalInt(_ index: Int) -> Int64? {
        if case .integer(let value) = values[index] { return value }
        return nil
    }

    func text(_ index: Int) -> String {
        optionalText(index) ?? ""
    }

    func optionalText(_ index: Int) -> String? {
        if case .text(let value) = values[index] { return value }
        return nil
    }

    func double(_ index: Int) -> Double {
        switch values[index] {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: 0
        }
    }

    func bytes(_ index: Int) -> [UInt8] {
        if case .bytes(let value) = values[index] { return value }
        return []
    }

    private static func value(of cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int8: return .integer(try cell.decode(Int64.self))
        case .int4: return .integer(Int64(try cell.decode(Int32.self)))
        case .int2: return .integer(Int64(try cell.decode(Int16.self)))
        case .float8: return .real(try cell.decode(Double.self))
        case .float4: return .real(Double(try cell.decode(Float.self)))
        case .bool: return .bool(try cell.decode(Bool.self))
        case .bytea:
            let buffer = try cell.decode(ByteBuffer.self)
            return .bytes(Array(buffer.readableBytesView))
        default: return .text(try cell.decode(String.self))
        }
    }
}
