import StrideDomain
import StrideStore

/// The statement reading one sample per row of a `traces/metrics` query's view, as the SQLite
/// store's `TraceMetricsSQL` reads them: its time, its dimensions, and its value, either as a
/// number or as JSON text to read the number from.
///
/// Values that live in client text (the trace's token usage, a span's cost, an assessment's value)
/// come back as text and are read here with Stride's JSON parser: PostgreSQL 15 cannot test text
/// for JSON before casting it, and a failed cast or an out-of-range number would fail the whole
/// statement where the sample should only lack a value.
struct PostgresTraceMetricsSQL {
    let statement: SQL
    private let query: TraceMetrics.Query

    /// Result columns: 0 the time in ms, 1 the numeric value, 2 the value's JSON text, 3 what a
    /// distinct count counts, then one column per dimension.
    private static let dimensionsStart = 4

    init(query: TraceMetrics.Query) {
        self.query = query
        var conditions = [SQL("t.experiment_id = ANY(?::int8[])", [.integers(query.experimentIDs.map(\.value))])]
        let rows = TraceMetricsRowSource(query.view)
        if rows.validAssessmentsOnly { conditions.append(SQL("a.valid")) }
        conditions += query.filters.map(Self.condition)
        let (number, json) = Self.value(query.metric)
        let distinct = query.metric == .sessionCount ? Self.metadata(TraceMetrics.sessionMetadataKey) : "NULL"
        var columns = ["\(rows.timestampMs)::int8", "\(number)::float8", "\(json)::text", "\(distinct)::text"]
        columns += query.dimensions.map { "\(Self.dimension($0))::text" }
        let condition = SQL.joined(conditions, separator: " AND ")
        statement = SQL("SELECT \(columns.joined(separator: ", ")) FROM \(rows.tables) WHERE \(condition.sql)", condition.arguments)
    }

    func sample(of row: SQLRow) -> TraceMetrics.Sample {
        TraceMetrics.Sample(
            timestampMs: row.int(0),
            dimensions: query.dimensions.indices.map { row.optionalText(Self.dimensionsStart + $0) },
            value: value(of: row), distinct: row.optionalText(3))
    }

    private func value(of row: SQLRow) -> Double? {
        if case .real(let number) = row[1] { return number }
        guard let text = row.optionalText(2), let json = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        switch query.metric {
        case .tokens(let key): return Self.number(json[key])
        case .spanCost(let key): return Self.cost(key, attributeValue: json)
        case .assessmentValue: return Self.assessmentNumber(json)
        default: return nil
        }
    }

    /// A JSON number as a sample's value; true and false count as 1 and 0, as SQLite's
    /// `json_extract` reads them.
    private static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .integer(let integer): Double(integer)
        case .double(let real): real
        case .bool(let flag): flag ? 1 : 0
        default: nil
        }
    }

    /// One member of the `mlflow.llm.cost` attribute's value: a map as OTLP sends it, or a JSON
    /// object in a string.
    private static func cost(_ key: String, attributeValue value: JSONValue) -> Double? {
        let map = value["kvlist_value"]?["values"] ?? value["kvlistValue"]?["values"]
        if case .array(let entries) = map {
            if let entry = entries.first(where: { $0["key"] == .string(key) }) {
                return number(entry["value"]?["double_value"] ?? entry["value"]?["doubleValue"])
                    ?? number(entry["value"]?["int_value"] ?? entry["value"]?["intValue"])
            }
        }
        guard case .string(let text) = value["string_value"] ?? value["stringValue"],
            let object = try? JSONParser.parse(Array(text.utf8))
        else { return nil }
        return number(object[key])
    }

    /// A feedback or expectation value as a number: numbers as themselves, booleans and
    /// `yes`/`no` as 1 and 0, anything else none.
    private static func assessmentNumber(_ value: JSONValue) -> Double? {
        if case .string(let text) = value {
            // Spaces around the word do not matter, as SQLite's `trim` drops them.
            let words = text.split(separator: " ")
            guard words.count == 1 else { return nil }
            switch words[0].lowercased() {
            case "yes": return 1
            case "no": return 0
            default: return nil
            }
        }
        return number(value)
    }

    /// A fixed key of Stride's own as an SQL string literal.
    private static func literal(_ text: String) -> String {
        "'" + text.replacing("'", with: "''") + "'"
    }

    private static func metadata(_ key: String) -> String {
        "(SELECT m.value FROM trace_metadata m WHERE m.trace_pk = t.trace_pk AND m.key = \(literal(key)))"
    }

    /// The first attribute `key` of the span `s`, as text (``PostgresTraceSearchSQL/attributeText``).
    private static func spanAttribute(_ key: String) -> String {
        """
        (SELECT \(PostgresTraceSearchSQL.attributeText) FROM jsonb_path_query(s.content::jsonb, 'lax $.attributes[*]') AS a(attribute)
            WHERE a.attribute ->> 'key' = \(literal(key)) LIMIT 1)
        """
    }

    /// The value of the assessment `a` (stored by Stride, so always JSON): its feedback's, else its expectation's.
    private static let assessmentValue = """
        (CASE WHEN (a.details::jsonb -> 'feedback') IS NOT NULL THEN a.details::jsonb #> '{feedback,value}'
            ELSE a.details::jsonb #> '{expectation,value}' END)
        """

    /// The value as a number column and a JSON text column; one of them is NULL.
    private static func value(_ metric: TraceMetrics.Metric) -> (number: String, json: String) {
        switch metric {
        case .traceCount, .spanCount, .assessmentCount: ("1", "NULL")
        case .sessionCount: ("NULL", "NULL")
        case .traceLatency: ("t.execution_time", "NULL")
        case .tokens: ("NULL", metadata(TraceKeys.tokenUsage))
        // Client times: numeric, so a hostile pair cannot overflow a bigint; whole milliseconds, as SQLite divides.
        case .spanLatency: ("trunc((s.end_time_ns::numeric - s.start_time_ns) / 1000000)", "NULL")
        case .spanCost:
            (
                "NULL",
                """
                (SELECT a.attribute -> 'value' FROM jsonb_path_query(s.content::jsonb, 'lax $.attributes[*]') AS a(attribute)
                    WHERE a.attribute ->> 'key' = 'mlflow.llm.cost' LIMIT 1)
                """
            )
        case .assessmentValue: ("NULL", assessmentValue)
        }
    }

    private static func dimension(_ dimension: TraceMetrics.Dimension) -> String {
        switch dimension {
        case .traceName: "(SELECT n.value FROM trace_tags n WHERE n.trace_pk = t.trace_pk AND n.key = \(literal(TraceKeys.traceName)))"
        case .traceStatus: "t.state"
        case .spanName: "s.name"
        case .spanType: "s.span_type"
        case .spanStatus: PostgresTraceSearchSQL.spanStatus
        case .spanModelName: spanAttribute("mlflow.llm.model")
        case .spanModelProvider: spanAttribute("mlflow.llm.provider")
        case .assessmentName: "a.name"
        // Strings as their JSON (quoted), true and false as words, numbers as their digits, null as none.
        case .assessmentValue: "(CASE jsonb_typeof(\(assessmentValue)) WHEN 'null' THEN NULL ELSE \(assessmentValue)::text END)"
        }
    }

    private static func condition(_ filter: TraceMetrics.Filter) -> SQL {
        switch filter {
        case .traceStatus(let state): SQL("t.state = ?", state)
        case .traceTag(let key, let value):
            SQL("EXISTS (SELECT 1 FROM trace_tags x WHERE x.trace_pk = t.trace_pk AND x.key = ? AND x.value = ?)", key, value)
        case .traceMetadata(let key, let value) where key == TraceKeys.sourceRun:
            PostgresTraceSearchSQL.condition(.runID(.equal, [value]))
        case .traceMetadata(let key, let value):
            SQL("EXISTS (SELECT 1 FROM trace_metadata x WHERE x.trace_pk = t.trace_pk AND x.key = ? AND x.value = ?)", key, value)
        case .spanName(let name): SQL("s.name = ?", name)
        case .spanStatus(let status): SQL("\(PostgresTraceSearchSQL.spanStatus) = ?", status)
        case .spanType(let type): SQL("s.span_type = ?", type)
        case .assessmentName(let name): SQL("a.name = ?", name)
        case .assessmentType(let type):
            switch type {
            case "feedback", "expectation": SQL("(a.details::jsonb -> '\(type)') IS NOT NULL")
            default: SQL("FALSE")
            }
        }
    }
}
