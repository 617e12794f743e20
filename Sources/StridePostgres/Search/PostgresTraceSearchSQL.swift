import StrideDomain
import StrideStore

/// The statement of one `traces/search` page, as the SQLite store's `TraceSearchSQL` builds it: the
/// filter as a condition on `traces t`, the order as non-null expressions ending with the trace id,
/// and the keyset condition after a cursor. It selects the page's trace rows
/// (``PostgresTrackingStore/traceColumns``) followed by their order values, and one row more than
/// a page, to tell whether another page follows.
///
/// After a cursor, the leading order value is also bounded on its own (`request_time <= ?`), which
/// the keyset's `OR` implies: on the default order that bound is a range of the
/// `traces_by_experiment` index, so a late page starts at its place in the index instead of
/// walking the experiment's newer traces.
struct PostgresTraceSearchSQL {
    let statement: SQL
    private let orderCount: Int

    /// Throws ``StoreError/cursorMismatch`` for a cursor whose values are not of its order's kinds
    /// (PostgreSQL, unlike SQLite, does not compare a number with text). A cursor of another length,
    /// from a search with other order terms, is ignored, as the SQLite store ignores it.
    init(query: TraceQuery) throws {
        let keys = (query.order.isEmpty ? [TraceFilter.Order(key: .timestamp, ascending: false)] : query.order)
        let terms = keys.map { (expression: Self.expression($0.key), ascending: $0.ascending) } + [(expression: "t.trace_id", ascending: true)]
        orderCount = terms.count
        var conditions = [
            query.experimentIDs.count == 1
                ? SQL("t.experiment_id = ?", query.experimentIDs[0].value)
                : SQL("t.experiment_id = ANY(?::int8[])", [.integers(query.experimentIDs.map(\.value))]),
        ]
        if query.filter != .matchAll {
            conditions.append(PostgresFilterSQL.condition(query.filter, clause: Self.condition))
        }
        if let after = query.after, after.values.count == terms.count {
            let kinds = keys.map { Self.holdsText($0.key) } + [true]
            guard zip(after.values, kinds).allSatisfy(Self.fits) else { throw StoreError.cursorMismatch }
            let values = after.values.map(Self.sqlValue)
            conditions.append(SQL("\(terms[0].expression) \(terms[0].ascending ? ">=" : "<=") ?", [values[0]]))
            conditions.append(Self.keyset(terms, values))
        }
        let columns = PostgresTrackingStore.traceColumns.map { "t.\($0)" }
        let selected = columns + terms.enumerated().map { "\($0.element.expression) AS k\($0.offset)" }
        let order = terms.map { "\($0.expression) \($0.ascending ? "ASC" : "DESC")" }.joined(separator: ", ")
        let condition = SQL.joined(conditions, separator: " AND ")
        // The service bounds max_results to 1...500, so one more fits.
        statement = SQL(
            "SELECT \(selected.joined(separator: ", ")) FROM traces t WHERE \(condition.sql) ORDER BY \(order) LIMIT ?",
            condition.arguments + [.integer(Int64(query.maxResults) + 1)])
    }

    /// The cursor after `row`: its order values, the trace id last.
    func cursor(of row: SQLRow) -> RunSearchCursor {
        let first = PostgresTrackingStore.traceColumns.count
        return RunSearchCursor(values: (first..<first + orderCount).map { index in
            switch row[index] {
            case .integer(let integer): .time(integer)
            case .real(let real): .number(real)
            case .text(let text): .text(text)
            default: .missing
            }
        })
    }

    /// Order expressions never yield NULL, so the keyset comparison is plain `<` and `>`.
    private static func expression(_ key: TraceFilter.OrderKey) -> String {
        switch key {
        case .timestamp: "t.request_time"
        case .executionTime: "COALESCE(t.execution_time, -1)"
        case .status: "t.state"
        case .traceID: "t.trace_id"
        case .experimentID: "t.experiment_id"
        case .name: "COALESCE((SELECT value FROM trace_tags n WHERE n.trace_pk = t.trace_pk AND n.key = '\(TraceKeys.traceName)'), '')"
        }
    }

    /// Whether the key's order value is text (else a whole number).
    private static func holdsText(_ key: TraceFilter.OrderKey) -> Bool {
        switch key {
        case .timestamp, .executionTime, .experimentID: false
        case .status, .traceID, .name: true
        }
    }

    private static func fits(_ value: RunSortValue, text: Bool) -> Bool {
        switch value {
        case .text: text
        case .time: !text
        case .missing, .nan, .number: false
        }
    }

    /// `(a > x) OR (a = x AND b > y) OR ...` with each comparison in its term's direction.
    private static func keyset(_ terms: [(expression: String, ascending: Bool)], _ values: [SQLValue]) -> SQL {
        var alternatives: [SQL] = []
        for index in terms.indices {
            var parts: [SQL] = []
            for earlier in 0..<index {
                parts.append(SQL("\(terms[earlier].expression) = ?", [values[earlier]]))
            }
            parts.append(SQL("\(terms[index].expression) \(terms[index].ascending ? ">" : "<") ?", [values[index]]))
            let joined = SQL.joined(parts, separator: " AND ")
            alternatives.append(SQL("(\(joined.sql))", joined.arguments))
        }
        let any = SQL.joined(alternatives, separator: " OR ")
        return SQL("(\(any.sql))", any.arguments)
    }

    /// Trace order values are whole numbers (times, ids) or text; they never are NaN or missing.
    private static func sqlValue(_ value: RunSortValue) -> SQLValue {
        switch value {
        case .missing, .nan: .null
        case .time(let integer): .integer(integer)
        case .number(let real): .real(real)
        case .text(let text): .text(text)
        }
    }

    private static func condition(_ clause: TraceFilter.Clause) -> SQL {
        switch clause {
        case .number(let attribute, let op, let milliseconds):
            // The end time is summed as numeric: stored times are the client's, and a bigint sum could overflow.
            let column = switch attribute {
            case .timestamp: "t.request_time"
            case .executionTime: "t.execution_time"
            case .endTime: "(t.request_time::numeric + t.execution_time)"
            }
            return SQL("\(column) \(op.rawValue) ?", milliseconds)
        case .text(let attribute, let op, let values):
            let column = switch attribute {
            case .traceID: "t.trace_id"
            case .status: "t.state"
            case .clientRequestID: "t.client_request_id"
            }
            return PostgresFilterSQL.stringComparison(column, op, values)
        case .tag(let key, let op, let values):
            return PostgresFilterSQL.keyValueCondition(table: "trace_tags", ownerColumn: "trace_pk", owner: "t.trace_pk", key: key, op: op, values: values)
        case .metadata(let key, let op, let values):
            return PostgresFilterSQL.keyValueCondition(
                table: "trace_metadata", ownerColumn: "trace_pk", owner: "t.trace_pk", key: key, op: op, values: values)
        case .runID(let op, let values):
            let recorded = PostgresFilterSQL.keyValueCondition(
                table: "trace_metadata", ownerColumn: "trace_pk", owner: "t.trace_pk", key: TraceKeys.sourceRun, op: op, values: values)
            let link = PostgresFilterSQL.stringComparison("r.run_id", op, values)
            return SQL(
                "(\(recorded.sql) OR EXISTS (SELECT 1 FROM trace_runs r WHERE r.trace_pk = t.trace_pk AND \(link.sql)))",
                recorded.arguments + link.arguments)
        }
    }
}
