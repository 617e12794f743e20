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

    static func condition(_ clause: TraceFilter.Clause) -> SQLFragment {
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
            let early = FilterSQL.stringComparison("e.run_id", op, values)
            return SQLFragment(
                "(\(recorded.sql) OR EXISTS (SELECT 1 FROM trace_runs r WHERE r.trace_pk = t.trace_pk AND \(link.sql))"
                    + " OR EXISTS (SELECT 1 FROM trace_early_run_links e WHERE e.trace_id = t.trace_id AND \(early.sql)))",
                recorded.arguments + link.arguments + early.arguments)
        case .spanText(let op, let values):
            // Every scalar of the span's JSON (name, ids, attribute keys and values, events), so
            // the field names of its encoding never match a pattern by themselves.
            let match = FilterSQL.stringComparison("j.atom", op, values)
            return SQLFragment(
                "EXISTS (SELECT 1 FROM trace_spans s, json_tree(s.content) j WHERE s.trace_pk = t.trace_pk AND j.atom IS NOT NULL AND \(match.sql))",
                match.arguments)
        case .span(let field, let op, let values):
            return spanCondition(field, op, values)
        case .assessment(let kind, let name, let op, let operand):
            return assessmentCondition(kind, name, op, operand)
        case .prompt(let version):
            return SQLFragment("EXISTS (SELECT 1 FROM trace_prompt_links p WHERE p.trace_pk = t.trace_pk AND p.prompt_version = ?)", [version.databaseValue])
        }
    }

    /// A span's status as MLflow names it.
    static let spanStatus = "(CASE s.status_code WHEN 1 THEN 'OK' WHEN 2 THEN 'ERROR' ELSE 'UNSET' END)"

    /// An OTLP attribute's value (`a.value`, one `{"key", "value"}` pair of the stored span) as
    /// text: a string as itself, a number or boolean as its JSON, a list or map as JSON.
    static let attributeText = """
        COALESCE(json_extract(a.value, '$.value.string_value'), json_extract(a.value, '$.value.stringValue'),
            CAST(json_extract(a.value, '$.value.int_value') AS TEXT), CAST(json_extract(a.value, '$.value.intValue') AS TEXT),
            CAST(json_extract(a.value, '$.value.double_value') AS TEXT), CAST(json_extract(a.value, '$.value.doubleValue') AS TEXT),
            CASE COALESCE(json_type(a.value, '$.value.bool_value'), json_type(a.value, '$.value.boolValue'))
                WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' END,
            json_extract(a.value, '$.value'))
        """

    private static func spanCondition(_ field: TraceFilter.SpanField, _ op: FilterOperator, _ values: [String]) -> SQLFragment {
        let inner: SQLFragment
        switch field {
        case .name: inner = FilterSQL.stringComparison("s.name", op, values)
        case .type: inner = FilterSQL.stringComparison("s.span_type", op, values)
        case .status: inner = FilterSQL.stringComparison(spanStatus, op, values)
        case .attribute(let key):
            let match = FilterSQL.stringComparison(attributeText, op, values)
            inner = SQLFragment(
                "EXISTS (SELECT 1 FROM json_each(s.content, '$.attributes') a WHERE json_extract(a.value, '$.key') = ? AND \(match.sql))",
                [key.databaseValue] + match.arguments)
        }
        return SQLFragment("EXISTS (SELECT 1 FROM trace_spans s WHERE s.trace_pk = t.trace_pk AND \(inner.sql))", inner.arguments)
    }

    /// The JSON path of an assessment's value in its stored details.
    static func assessmentValuePath(_ kind: TraceFilter.AssessmentKind) -> String {
        "$.\(kind.rawValue).value"
    }

    /// The assessment's value as text: a string as itself, anything else as its JSON.
    static func assessmentValueText(_ path: String) -> String {
        "(CASE json_type(a.details, '\(path)') WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(json_extract(a.details, '\(path)') AS TEXT) END)"
    }

    private static func assessmentCondition(
        _ kind: TraceFilter.AssessmentKind, _ name: String, _ op: FilterOperator, _ operand: TraceFilter.AssessmentOperand
    ) -> SQLFragment {
        let path = assessmentValuePath(kind)
        let exists = """
            SELECT 1 FROM trace_assessments a WHERE a.trace_pk = t.trace_pk AND a.valid = 1 AND a.name = ?
                AND json_type(a.details, '$.\(kind.rawValue)') IS NOT NULL
            """
        switch (op, operand) {
        case (.isNull, _): return SQLFragment("NOT EXISTS (\(exists))", [name.databaseValue])
        case (_, .number(let number)):
            return SQLFragment(
                "EXISTS (\(exists) AND json_type(a.details, '\(path)') IN ('integer', 'real', 'true', 'false') AND json_extract(a.details, '\(path)') \(op.rawValue) ?)",
                [name.databaseValue, number.databaseValue])
        case (_, .text(let text)):
            let match = FilterSQL.stringComparison(assessmentValueText(path), op, [text])
            return SQLFragment("EXISTS (\(exists) AND \(match.sql))", [name.databaseValue] + match.arguments)
        default:
            return SQLFragment("EXISTS (\(exists))", [name.databaseValue])
        }
    }
}
