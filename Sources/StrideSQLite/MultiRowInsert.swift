import GRDB

/// Runs a multi-row `INSERT ... VALUES (...), (...)` in power-of-two chunks of at most 512 rows.
///
/// Multi-row statements are ~10x faster than one statement per row, and power-of-two chunk sizes
/// keep GRDB's statement cache bounded (at most ten shapes per statement) while every shape is
/// prepared once per connection instead of once per request.
struct MultiRowInsert {
    /// `INSERT INTO table (columns) VALUES` without the rows.
    var head: String
    /// What follows the rows, such as an `ON CONFLICT` clause.
    var tail: String = ""
    var columns: Int

    static let maxRows = 512

    /// Returns the number of rows the statements inserted or changed.
    @discardableResult
    func execute(_ values: [DatabaseValue], in db: Database) throws -> Int {
        precondition(values.count % columns == 0, "values must fill whole rows")
        var start = 0
        var changed = 0
        var remaining = values.count / columns
        while remaining > 0 {
            var rows = Self.maxRows
            while rows > remaining { rows >>= 1 }
            let end = start + rows * columns
            let statement = try db.cachedStatement(sql: "\(head) \(valueRows(rows, columns: columns)) \(tail)")
            try statement.execute(arguments: StatementArguments(values[start..<end]))
            changed += db.changesCount
            start = end
            remaining -= rows
        }
        return changed
    }
}
