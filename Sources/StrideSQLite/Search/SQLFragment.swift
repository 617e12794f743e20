import GRDB

/// A piece of SQL and the values for its `?` placeholders, in order. User input only ever
/// travels in `arguments`; `sql` is assembled from fixed text.
struct SQLFragment {
    var sql: String
    var arguments: [DatabaseValue]

    init(_ sql: String, _ arguments: [DatabaseValue] = []) {
        self.sql = sql
        self.arguments = arguments
    }

    /// The fragments joined by `separator`, their arguments concatenated in the same order.
    static func joined(_ fragments: [SQLFragment], separator: String) -> SQLFragment {
        SQLFragment(fragments.map(\.sql).joined(separator: separator), fragments.flatMap(\.arguments))
    }
}
