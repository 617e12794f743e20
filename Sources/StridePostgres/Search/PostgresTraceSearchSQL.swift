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

    /// One clause of MLflow's trace filter as a condition on `traces t` (also the correlation counts' filters).
    static func condition(_ clause: TraceFilter.Clause) -> SQL {
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
            let early = PostgresFilterSQL.stringComparison("e.run_id", op, values)
            return SQL(
                "(\(recorded.sql) OR EXISTS (SELECT 1 FROM trace_runs r WHERE r.trace_pk = t.trace_pk AND \(link.sql))"
                    + " OR EXISTS (SELECT 1 FROM trace_early_run_links e WHERE e.trace_id = t.trace_id AND \(early.sql)))",
                recorded.arguments + link.arguments + early.arguments)
        case .spanText(let op, let values):
            // Every scalar of the span's JSON (name, ids, attribute keys and values, events), so the
            // field names of its encoding never match a pattern by themselves.
            let match = PostgresFilterSQL.stringComparison("(j.atom #>> '{}')", op, values)
            return SQL(
                """
                EXISTS (SELECT 1 FROM trace_spans s, jsonb_path_query(s.content::jsonb, 'strict $.**') AS j(atom)
                WHERE s.trace_pk = t.trace_pk AND jsonb_typeof(j.atom) IN ('string', 'number', 'boolean') AND \(match.sql))
                """,
                match.arguments)
        case .span(let field, let op, let values):
            return spanCondition(field, op, values)
        case .assessment(let kind, let name, let op, let operand):
            return assessmentCondition(kind, name, op, operand)
        case .prompt(let version):
            return SQL("EXISTS (SELECT 1 FROM trace_prompt_links p WHERE p.trace_pk = t.trace_pk AND p.prompt_version = ?)", version)
        }
    }

    /// A span's status as MLflow names it.
    static let spanStatus = "(CASE s.status_code WHEN 1 THEN 'OK' WHEN 2 THEN 'ERROR' ELSE 'UNSET' END)"

    /// An OTLP attribute's value (`a.attribute`, one `{"key", "value"}` pair of the stored span) as
    /// text: a string as itself, a number or boolean as its JSON, a list or map as JSON.
    static let attributeText = """
        COALESCE(a.attribute #>> '{value,string_value}', a.attribute #>> '{value,stringValue}',
            a.attribute #>> '{value,int_value}', a.attribute #>> '{value,intValue}',
            a.attribute #>> '{value,double_value}', a.attribute #>> '{value,doubleValue}',
            a.attribute #>> '{value,bool_value}', a.attribute #>> '{value,boolValue}',
            a.attribute #>> '{value}')
        """

    private static func spanCondition(_ field: TraceFilter.SpanField, _ op: FilterOperator, _ values: [String]) -> SQL {
        let inner: SQL
        switch field {
        case .name: inner = PostgresFilterSQL.stringComparison("s.name", op, values)
        case .type: inner = PostgresFilterSQL.stringComparison("s.span_type", op, values)
        case .status: inner = PostgresFilterSQL.stringComparison(spanStatus, op, values)
        case .attribute(let key):
            let match = PostgresFilterSQL.stringComparison(attributeText, op, values)
            inner = SQL(
                """
                EXISTS (SELECT 1 FROM jsonb_path_query(s.content::jsonb, 'lax $.attributes[*]') AS a(attribute)
                WHERE a.attribute ->> 'key' = ? AND \(match.sql))
                """,
                [.text(key)] + match.arguments)
        }
        return SQL("EXISTS (SELECT 1 FROM trace_spans s WHERE s.trace_pk = t.trace_pk AND \(inner.sql))", inner.arguments)
    }

    private static func assessmentCondition(
        _ kind: TraceFilter.AssessmentKind, _ name: String, _ op: FilterOperator, _ operand: TraceFilter.AssessmentOperand
    ) -> SQL {
        // `kind` is one of two fixed words, so it is written into the statement.
        let value = "(a.details::jsonb #> '{\(kind.rawValue),value}')"
        let exists = """
            SELECT 1 FROM trace_assessments a WHERE a.trace_pk = t.trace_pk AND a.valid AND a.name = ?
                AND (a.details::jsonb -> '\(kind.rawValue)') IS NOT NULL
            """
        switch (op, operand) {
        case (.isNull, _): return SQL("NOT EXISTS (\(exists))", [.text(name)])
        case (_, .number(let number)):
            // Booleans count as 1 and 0, as SQLite's JSON functions read them; any other type is NULL, never a failed cast.
            let numeric = """
                (CASE jsonb_typeof(\(value)) WHEN 'boolean' THEN (CASE WHEN \(value) = 'true'::jsonb THEN 1.0 ELSE 0.0 END)
                    WHEN 'number' THEN (\(value) #>> '{}')::float8 END)
                """
            return SQL(
                "EXISTS (\(exists) AND jsonb_typeof(\(value)) IN ('number', 'boolean') AND \(numeric) \(op.rawValue) ?)",
                [.text(name), .real(number)])
        case (_, .text(let text)):
            let match = PostgresFilterSQL.stringComparison("(\(value) #>> '{}')", op, [text])
            return SQL("EXISTS (\(exists) AND \(match.sql))", [.text(name)] + match.arguments)
        default:
            return SQL("EXISTS (\(exists))", [.text(name)])
        }
    }
}
