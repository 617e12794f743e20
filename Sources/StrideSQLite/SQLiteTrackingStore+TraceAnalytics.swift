import GRDB
public import StrideDomain
public import StrideStore

/// `traces/metrics` samples and `traces/calculate-filter-correlation` counts.
extension SQLiteTrackingStore: TraceAnalyticsStore {
    public func traceMetricSamples(_ query: TraceMetrics.Query) async throws -> [TraceMetrics.Sample] {
        try readNow { db in
            let plan = TraceMetricsSQL(query: query)
            let rows = try Row.fetchCursor(db, sql: plan.sql.sql, arguments: StatementArguments(plan.sql.arguments))
            var samples: [TraceMetrics.Sample] = []
            while let row = try rows.next() {
                let value: DatabaseValue = row["v"]
                let number: Double? = switch value.storage {
                case .int64(let integer): Double(integer)
                case .double(let real): real
                default: nil
                }
                let distinct: DatabaseValue = row["k"]
                samples.append(TraceMetrics.Sample(
                    timestampMs: row["ts"] ?? 0, dimensions: query.dimensions.indices.map { Self.dimensionText(row["d\($0)"]) },
                    value: number, distinct: String.fromDatabaseValue(distinct)))
            }
            return samples
        }
    }

    public func traceFilterCounts(
        experimentIDs: [ExperimentID], base: FilterTree<TraceFilter.Clause>?, first: FilterTree<TraceFilter.Clause>,
        second: FilterTree<TraceFilter.Clause>
    ) async throws -> TraceCorrelation {
        try readNow { db in
            let one = FilterSQL.condition(first, clause: TraceSearchSQL.condition)
            let two = FilterSQL.condition(second, clause: TraceSearchSQL.condition)
            let universe = FilterSQL.condition(base ?? .matchAll, clause: TraceSearchSQL.condition)
            let sql = """
                SELECT count(*) AS total,
                    IFNULL(sum(CASE WHEN \(one.sql) THEN 1 ELSE 0 END), 0) AS first,
                    IFNULL(sum(CASE WHEN \(two.sql) THEN 1 ELSE 0 END), 0) AS second,
                    IFNULL(sum(CASE WHEN (\(one.sql)) AND (\(two.sql)) THEN 1 ELSE 0 END), 0) AS joint
                FROM traces t
                WHERE t.experiment_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) AND \(universe.sql)
                """
            let arguments = one.arguments + two.arguments + one.arguments + two.arguments
                + [JSONText.array(experimentIDs.map(\.description)).databaseValue] + universe.arguments
            guard let row = try Row.fetchOne(db, sql: sql, arguments: StatementArguments(arguments)) else {
                return TraceCorrelation(totalCount: 0, filter1Count: 0, filter2Count: 0, jointCount: 0)
            }
            return TraceCorrelation(
                totalCount: Int(clamping: row.int("total")), filter1Count: Int(clamping: row.int("first")),
                filter2Count: Int(clamping: row.int("second")), jointCount: Int(clamping: row.int("joint")))
        }
    }

    /// A dimension value as text; numbers (never expected) as their decimal text.
    private static func dimensionText(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .string(let text): text
        case .int64(let integer): String(integer)
        case .double(let real): String(real)
        case .null, .blob: nil
        }
    }
}

/// The SQL reading one sample per row of a metrics query's view: `ts`, `d0`… (dimensions), `v`
/// (the value) and `k` (what a distinct count counts).
struct TraceMetricsSQL {
    let sql: SQLFragment

    init(query: TraceMetrics.Query) {
        let experiments = SQLFragment(
            "t.experiment_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))",
            [JSONText.array(query.experimentIDs.map(\.description)).databaseValue])
        var conditions = [experiments]
        let rows = TraceMetricsRowSource(query.view)
        if rows.validAssessmentsOnly { conditions.append(SQLFragment("a.valid = 1")) }
        conditions += query.filters.map(Self.condition)
        let value = Self.value(query.metric)
        var columns = [SQLFragment("\(rows.timestampMs) AS ts")]
        columns += query.dimensions.enumerated().map { SQLFragment("\(Self.dimension($0.element)) AS d\($0.offset)") }
        columns.append(SQLFragment("\(value.sql) AS v", value.arguments))
        columns.append(SQLFragment(query.metric == .sessionCount ? "\(Self.metadata(TraceMetrics.sessionMetadataKey)) AS k" : "NULL AS k"))
        let selected = SQLFragment.joined(columns, separator: ", ")
        let condition = SQLFragment.joined(conditions, separator: " AND ")
        sql = SQLFragment("SELECT \(selected.sql) FROM \(rows.tables) WHERE \(condition.sql)", selected.arguments + condition.arguments)
    }

    /// A fixed key as an SQL string literal.
    private static func literal(_ text: String) -> String {
        "'" + text.replacing("'", with: "''") + "'"
    }

    private static func metadata(_ key: String) -> String {
        "(SELECT m.value FROM trace_metadata m WHERE m.trace_pk = t.trace_pk AND m.key = \(Self.literal(key)))"
    }

    /// The text of the span attribute `key` (see ``TraceSearchSQL/attributeText``).
    private static func spanAttribute(_ key: String) -> String {
        """
        (SELECT \(TraceSearchSQL.attributeText) FROM json_each(s.content, '$.attributes') a
            WHERE json_extract(a.value, '$.key') = \(Self.literal(key)) LIMIT 1)
        """
    }

    /// Which JSON path of an assessment's details holds its value.
    private static let assessmentPath = "(CASE WHEN json_type(a.details, '$.feedback') IS NOT NULL THEN '$.feedback.value' ELSE '$.expectation.value' END)"

    private static func value(_ metric: TraceMetrics.Metric) -> SQLFragment {
        switch metric {
        case .traceCount, .spanCount, .assessmentCount: return SQLFragment("1")
        case .sessionCount: return SQLFragment("NULL")
        case .traceLatency: return SQLFragment("t.execution_time")
        case .tokens(let key):
            let usage = metadata(TraceKeys.tokenUsage)
            return SQLFragment("(CASE WHEN json_valid(\(usage)) THEN json_extract(\(usage), ?) END)", ["$.\(key)".databaseValue])
        case .spanLatency: return SQLFragment("((s.end_time_ns - s.start_time_ns) / 1000000)")
        case .spanCost(let key):
            // A map attribute as OTLP sends it, or a JSON object in a string.
            return SQLFragment(
                """
                (SELECT COALESCE(
                    (SELECT COALESCE(json_extract(c.value, '$.value.double_value'), json_extract(c.value, '$.value.int_value'))
                        FROM json_each(a.value, '$.value.kvlist_value.values') c WHERE json_extract(c.value, '$.key') = ?),
                    CASE WHEN json_valid(json_extract(a.value, '$.value.string_value'))
                        THEN json_extract(json_extract(a.value, '$.value.string_value'), ?) END)
                    FROM json_each(s.content, '$.attributes') a WHERE json_extract(a.value, '$.key') = 'mlflow.llm.cost' LIMIT 1)
                """,
                [key.databaseValue, "$.\(key)".databaseValue])
        case .assessmentValue:
            let path = assessmentPath
            return SQLFragment(
                """
                (CASE json_type(a.details, \(path))
                    WHEN 'integer' THEN json_extract(a.details, \(path)) WHEN 'real' THEN json_extract(a.details, \(path))
                    WHEN 'true' THEN 1.0 WHEN 'false' THEN 0.0
                    WHEN 'text' THEN (CASE lower(trim(json_extract(a.details, \(path)))) WHEN 'yes' THEN 1.0 WHEN 'no' THEN 0.0 END)
                END)
                """)
        }
    }

    private static func dimension(_ dimension: TraceMetrics.Dimension) -> String {
        switch dimension {
        case .traceName: "(SELECT n.value FROM trace_tags n WHERE n.trace_pk = t.trace_pk AND n.key = \(Self.literal(TraceKeys.traceName)))"
        case .traceStatus: "t.state"
        case .spanName: "s.name"
        case .spanType: "s.span_type"
        case .spanStatus: TraceSearchSQL.spanStatus
        case .spanModelName: spanAttribute("mlflow.llm.model")
        case .spanModelProvider: spanAttribute("mlflow.llm.provider")
        case .assessmentName: "a.name"
        case .assessmentValue:
            """
            (CASE json_type(a.details, \(assessmentPath)) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'
                WHEN 'text' THEN json_quote(json_extract(a.details, \(assessmentPath)))
                ELSE CAST(json_extract(a.details, \(assessmentPath)) AS TEXT) END)
            """
        }
    }

    private static func condition(_ filter: TraceMetrics.Filter) -> SQLFragment {
        switch filter {
        case .traceStatus(let state): SQLFragment("t.state = ?", [state.databaseValue])
        case .traceTag(let key, let value):
            SQLFragment(
                "EXISTS (SELECT 1 FROM trace_tags x WHERE x.trace_pk = t.trace_pk AND x.key = ? AND x.value = ?)",
                [key.databaseValue, value.databaseValue])
        case .traceMetadata(let key, let value) where key == TraceKeys.sourceRun:
            TraceSearchSQL.condition(.runID(.equal, [value]))
        case .traceMetadata(let key, let value):
            SQLFragment(
                "EXISTS (SELECT 1 FROM trace_metadata x WHERE x.trace_pk = t.trace_pk AND x.key = ? AND x.value = ?)",
                [key.databaseValue, value.databaseValue])
        case .spanName(let name): SQLFragment("s.name = ?", [name.databaseValue])
        case .spanStatus(let status): SQLFragment("\(TraceSearchSQL.spanStatus) = ?", [status.databaseValue])
        case .spanType(let type): SQLFragment("s.span_type = ?", [type.databaseValue])
        case .assessmentName(let name): SQLFragment("a.name = ?", [name.databaseValue])
        case .assessmentType(let type):
            switch type {
            case "feedback", "expectation": SQLFragment("json_type(a.details, '$.\(type)') IS NOT NULL")
            default: SQLFragment("0")
            }
        }
    }
}
