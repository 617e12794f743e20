import GRDB
import StrideDomain
import StrideStore

/// The SQL of one `traces/search` page: the filter as a condition on `traces t`, the order as
/// non-null expressions ending with the trace id, and the keyset condition after a cursor.
/// It selects one row more than a page, to tell whether another page follows.
struct TraceSearchSQL {
    let sql: SQLFragment
    private let orderCount: Int

    init(query: TraceQuery) {
        let terms = (query.order.isEmpty ? [TraceFilter.Order(key: .timestamp, ascending: false)] : query.order)
            .map { (expression: Self.expression($0.key), ascending: $0.ascending) }
            + [(expression: "t.trace_id", ascending: true)]
        orderCount = terms.count
        var conditions = [Self.experiments(query.experimentIDs), FilterSQL.condition(query.filter, clause: Self.condition)]
        if let after = query.after, after.values.count == terms.count {
            conditions.append(Self.keyset(terms, after.values))
        }
        let selected = terms.enumerated().map { "\($0.element.expression) AS k\($0.offset)" }.joined(separator: ", ")
        let order = terms.map { "\($0.expression) \($0.ascending ? "ASC" : "DESC")" }.joined(separator: ", ")
        let condition = SQLFragment.joined(conditions, separator: " AND ")
        sql = SQLFragment(
            "SELECT t.trace_pk, \(selected) FROM traces t WHERE \(condition.sql) ORDER BY \(order) LIMIT ?",
            condition.arguments + [(query.maxResults + 1).databaseValue])
    }

    /// One experiment (the usual search) as an equality, so SQLite walks an index in the page's
    /// order and stops after a page; with an `IN` list it sorts every trace of the experiments first.
    private static func experiments(_ ids: [ExperimentID]) -> SQLFragment {
        if ids.count == 1, let only = ids.first { return SQLFragment("t.experiment_id = ?", [only.value.databaseValue]) }
        return SQLFragment("t.experiment_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))", [JSONText.array(ids.map(\.description)).databaseValue])
    }

    /// The cursor after `row`: its order values, the trace id last.
    func cursor(of row: Row) -> RunSearchCursor {
        RunSearchCursor(values: (0..<orderCount).map { index in
            let value: DatabaseValue = row["k\(index)"]
            switch value.storage {
            case .int64(let integer): return .time(integer)
            case .double(let real): return .number(real)
            case .string(let text): return .text(text)
            case .null, .blob: return .missing
            }
        })
    }

    /// Order expressions never yield NULL, so the keyset comparison is plain `<` and `>`.
    private static func expression(_ key: TraceFilter.OrderKey) -> String {
        switch key {
        case .timestamp: "t.request_time"
        case .executionTime: "IFNULL(t.execution_time, -1)"
        case .status: "t.state"
        case .traceID: "t.trace_id"
        case .experimentID: "t.experiment_id"
        case .name: "IFNULL((SELECT value FROM trace_tags n WHERE n.trace_pk = t.trace_pk AND n.key = '\(TraceKeys.traceName)'), '')"
        }
    }

    /// `(a > x) OR (a = x AND b > y) OR ...` with each comparison in its term's direction.
    private static func keyset(_ terms: [(expression: String, ascending: Bool)], _ values: [RunSortValue]) -> SQLFragment {
        var alternatives: [SQLFragment] = []
        for index in terms.indices {
            var parts: [SQLFragment] = []
            for earlier in 0..<index {
                parts.append(SQLFragment("\(terms[earlier].expression) = ?", [databaseValue(values[earlier])]))
            }
            parts.append(SQLFragment("\(terms[index].expression) \(terms[index].ascending ? ">" : "<") ?", [databaseValue(values[index])]))
            let joined = SQLFragment.joined(parts, separator: " AND ")
            alternatives.append(SQLFragment("(\(joined.sql))", joined.arguments))
        }
        let any = SQLFragment.joined(alternatives, separator: " OR ")
        return SQLFragment("(\(any.sql))", any.arguments)
    }

    /// Trace order values are whole numbers (times, ids) or text; they never are NaN or missing.
    private static func databaseValue(_ value: RunSortValue) -> DatabaseValue {
        switch value {
        case .missing, .nan: .null
        case .time(let integer): integer.databaseValue
        case .number(let real): real.databaseValue
        case .text(let text): text.databaseValue
        }
    }

    private static func condition(_ clause: TraceFilter.Clause) -> SQLFragment {
        switch clause {
        case .number(let attribute, let op, let milliseconds):
            let column = switch attribute {
            case .timestamp: "t.request_time"
            case .executionTime: "t.execution_time"
            case .endTime: "(t.request_time + t.execution_time)"
            }
            return SQLFragment("\(column) \(op.rawValue) ?", [milliseconds.databaseValue])
        case .text(let attribute, let op, let values):
            let column = switch attribute {
            case .traceID: "t.trace_id"
            case .status: "t.state"
            case .clientRequestID: "t.client_request_id"
            }
            return FilterSQL.stringComparison(column, op, values)
        case .tag(let key, let op, let values):
            return FilterSQL.keyValueCondition(table: "trace_tags", ownerColumn: "trace_pk", owner: "t.trace_pk", key: key, op: op, values: values)
        case .metadata(let key, let op, let values):
            return FilterSQL.keyValueCondition(
                table: "trace_metadata", ownerColumn: "trace_pk", owner: "t.trace_pk", key: key, op: op, values: values)
        case .runID(let op, let values):
            let recorded = FilterSQL.keyValueCondition(
                table: "trace_metadata", ownerColumn: "trace_pk", owner: "t.trace_pk", key: TraceKeys.sourceRun, op: op, values: values)
            let link = FilterSQL.stringComparison("r.run_id", op, values)
            return SQLFragment(
                "(\(recorded.sql) OR EXISTS (SELECT 1 FROM trace_runs r WHERE r.trace_pk = t.trace_pk AND \(link.sql)))",
                recorded.arguments + link.arguments)
        }
    }
}
