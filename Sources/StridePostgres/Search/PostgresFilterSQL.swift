import StrideDomain

/// Compiles filter trees and their common comparisons to PostgreSQL conditions with bound values.
enum PostgresFilterSQL {
    /// The condition for a whole tree; `clause` compiles one leaf.
    ///
    /// Under `NOT`, a comparison with a NULL column (a run without an end time) is unknown, so its
    /// negation must be true: `IS NOT TRUE` keeps SQL's third truth value out of the result, as the
    /// SQLite store's `IS NOT 1` does. The parser's depth limit bounds this recursion.
    static func condition<Clause>(_ tree: FilterTree<Clause>, clause: (Clause) -> SQL) -> SQL {
        switch tree {
        case .clause(let leaf):
            return clause(leaf)
        case .all(let children):
            guard !children.isEmpty else { return SQL("TRUE") }
            let parts = children.map { condition($0, clause: clause) }
            return parts.count == 1 ? parts[0] : wrapped(SQL.joined(parts, separator: " AND "))
        case .any(let children):
            guard !children.isEmpty else { return SQL("FALSE") }
            let parts = children.map { condition($0, clause: clause) }
            return wrapped(SQL.joined(parts, separator: " OR "))
        case .not(let child):
            let inner = condition(child, clause: clause)
            return SQL("((\(inner.sql)) IS NOT TRUE)", inner.arguments)
        }
    }

    private static func wrapped(_ fragment: SQL) -> SQL {
        SQL("(\(fragment.sql))", fragment.arguments)
    }

    /// `=` and `LIKE` are case-sensitive and `ILIKE` is not, as in MLflow (and in PostgreSQL).
    static func stringComparison(_ column: String, _ op: FilterOperator, _ values: [String]) -> SQL {
        let first = values.first ?? ""
        switch op {
        case .like: return SQL("\(column) LIKE ? ESCAPE ''", first)
        case .iLike: return SQL("\(column) ILIKE ? ESCAPE ''", first)
        case .notEqual: return SQL("\(column) != ?", first)
        case .in: return SQL("\(column) = ANY(?::text[])", [.texts(values)])
        case .notIn: return SQL("NOT (\(column) = ANY(?::text[]))", [.texts(values)])
        default: return SQL("\(column) = ?", first)
        }
    }

    /// A condition on a key/value table (params, tags): the owner has the key with a matching
    /// value. An owner lacking the key matches only `IS NULL`, whatever the operator.
    static func keyValueCondition(
        table: String, ownerColumn: String, owner: String, key: String, op: FilterOperator, values: [String]
    ) -> SQL {
        let exists = "SELECT 1 FROM \(table) kv WHERE kv.\(ownerColumn) = \(owner) AND kv.key = ?"
        switch op {
        case .isNull: return SQL("NOT EXISTS (\(exists))", key)
        case .isNotNull: return SQL("EXISTS (\(exists))", key)
        default:
            let comparison = stringComparison("kv.value", op, values)
            return SQL("EXISTS (\(exists) AND \(comparison.sql))", [.text(key)] + comparison.arguments)
        }
    }
}
