import GRDB

/// Runs a multi-row `INSERT ... VALUES (...), (...)` in power-of-two chunks of at most 512 rows.
///
/// Multi-row statements are ~10x faster than one statement per row, and power-of-two chunk sizes
/// keep GRDB's statement cache bounded (at most ten shapes per statement) while every shape is
/// prepared once per connection instead of once per request.
struct MultiRowInsert: Sendable {
    let columns: Int
    /// The statement for 2^i rows at index i, written once: a 512-row statement is ~10 KB of text.
    private let statements: [String]

    static let maxRows = 512

    /// - Parameters:
    ///   - head: `INSERT INTO table (columns) VALUES` without the rows.
    ///   - tail: What follows the rows, such as an `ON CONFLICT` clause.
    init(head: String, tail: String = "", columns: Int) {
        self.columns = columns
        statements = (0...Self.maxRows.trailingZeroBitCount).map { "\(head) \(valueRows(1 << $0, columns: columns)) \(tail)" }
    }

    /// Inserts `rowCount` rows; `bindRow` appends the values of the row at an index, in column order.
    /// Returns the number of rows the statements inserted or changed.
    @discardableResult
    func execute(rowCount: Int, in db: Database, bindRow: (Int, inout StatementValues) throws -> Void) throws -> Int {
        var start = 0
        var changed = 0
        var remaining = rowCount
        while remaining > 0 {
            var rows = Self.maxRows
            while rows > remaining { rows >>= 1 }
            let statement = try db.cachedStatement(sql: statements[rows.trailingZeroBitCount])
            try DirectStatementExecution.execute(statement, in: db) { values in
                for row in start..<(start + rows) { try bindRow(row, &values) }
            }
            changed += db.changesCount
            start += rows
            remaining -= rows
        }
        return changed
    }

    /// Inserts rows given as one flat list of values.
    @discardableResult
    func execute(_ values: [DatabaseValue], in db: Database) throws -> Int {
        guard values.count % columns == 0 else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "values must fill whole rows", sql: statements[0])
        }
        return try execute(rowCount: values.count / columns, in: db) { row, bound in
            for value in values[(row * columns)..<((row + 1) * columns)] { bound.append(value) }
        }
    }
}
