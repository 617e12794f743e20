import GRDB
import StrideDomain

/// Compiles filter trees and their common comparisons to SQL conditions with bound values.
enum FilterSQL {
    /// The condition for a whole tree; `clause` compiles one leaf.
    ///
    /// Under `NOT`, a comparison with a NULL column (a run without an end time) is false, so
    /// its negation is true: `IS NOT 1` keeps SQL's third truth value out of the result. (It
    /// also nests deeper in SQLite's parser than `NOT IFNULL(…, 0)`, whose stack holds only about
    /// 25 nested calls.) The parser's depth limit bounds this recursion and the SQL's nesting.
    static func condition<Clause>(_ tree: FilterTree<Clause>, clause: (Clause) -> SQLFragment) -> SQLFragment {
        switch tree {
        case .clause(let leaf):
            return clause(leaf)
        case .all(let children):
            guard !children.isEmpty else { return SQLFragment("1") }
            let parts = children.map { condition($0, clause: clause) }
            return parts.count == 1 ? parts[0] : wrapped(SQLFragment.joined(parts, separator: " AND "))
        case .any(let children):
            let parts = children.map { condition($0, clause: clause) }
            return wrapped(SQLFragment.joined(parts, separator: " OR "))
        case .not(let child):
            let inner = condition(child, clause: clause)
            return SQLFragment("((\(inner.sql)) IS NOT 1)", inner.arguments)
        }
    }

    private static func wrapped(_ fragment: SQLFragment) -> SQLFragment {
        SQLFragment("(\(fragment.sql))", fragment.arguments)
    }

    /// `=` and `LIKE` are case-sensitive and `ILIKE` is not, as in MLflow. SQLite's own LIKE
    /// ignores case, so a case-sensitive LIKE runs as GLOB with the pattern translated.
    static func stringComparison(_ column: String, _ op: FilterOperator, _ values: [String]) -> SQLFragment {
        let first = values.first ?? ""
        switch op {
        case .like: return SQLFragment("\(column) GLOB ?", [LikePattern.glob(fromLike: first).databaseValue])
        case .iLike: return SQLFragment("\(column) LIKE ?", [first.databaseValue])
        case .notEqual: return SQLFragment("\(column) != ?", [first.databaseValue])
        case .in, .notIn:
            return SQLFragment("\(column) \(op.rawValue) (\(placeholders(values.count)))", values.map(\.databaseValue))
        default: return SQLFragment("\(column) = ?", [first.databaseValue])
        }
    }

    /// A condition on a key/value table (params, tags): the owner has the key with a matching
    /// value. An owner lacking the key matches only `IS NULL`, whatever the operator.
    static func keyValueCondition(
        table: String, ownerColumn: String, owner: String, key: String, op: FilterOperator, values: [String]
    ) -> SQLFragment {
        let exists = "SELECT 1 FROM \(table) kv WHERE kv.\(ownerColumn) = \(owner) AND kv.key = ?"
        switch op {
        case .isNull: return SQLFragment("NOT EXISTS (\(exists))", [key.databaseValue])
        case .isNotNull: return SQLFragment("EXISTS (\(exists))", [key.databaseValue])
        default:
            let comparison = stringComparison("kv.value", op, values)
            return SQLFragment("EXISTS (\(exists) AND \(comparison.sql))", [key.databaseValue] + comparison.arguments)
        }
    }
}
