public import StrideDomain
public import StrideStore

/// `traces/metrics` samples and `traces/calculate-filter-correlation` counts, each one statement
/// in a read-only snapshot.
extension PostgresTrackingStore: TraceAnalyticsStore {
    public func traceMetricSamples(_ query: TraceMetrics.Query) async throws -> [TraceMetrics.Sample] {
        let plan = PostgresTraceMetricsSQL(query: query)
        return try await database.snapshot { db in
            try await db.rows(plan.statement).map(plan.sample(of:))
        }
    }

    public func traceFilterCounts(
        experimentIDs: [ExperimentID], base: FilterTree<TraceFilter.Clause>?, first: FilterTree<TraceFilter.Clause>,
        second: FilterTree<TraceFilter.Clause>
    ) async throws -> TraceCorrelation {
        let one = PostgresFilterSQL.condition(first, clause: PostgresTraceSearchSQL.condition)
        let two = PostgresFilterSQL.condition(second, clause: PostgresTraceSearchSQL.condition)
        let universe = PostgresFilterSQL.condition(base ?? .matchAll, clause: PostgresTraceSearchSQL.condition)
        let statement = SQL(
            """
            SELECT count(*),
                COALESCE(sum(CASE WHEN \(one.sql) THEN 1 ELSE 0 END), 0)::int8,
                COALESCE(sum(CASE WHEN \(two.sql) THEN 1 ELSE 0 END), 0)::int8,
                COALESCE(sum(CASE WHEN (\(one.sql)) AND (\(two.sql)) THEN 1 ELSE 0 END), 0)::int8
            FROM traces t
            WHERE t.experiment_id = ANY(?::int8[]) AND \(universe.sql)
            """,
            one.arguments + two.arguments + one.arguments + two.arguments + [.integers(experimentIDs.map(\.value))] + universe.arguments)
        let row = try await database.snapshot { db in try await db.rows(statement).first }
        guard let row else { return TraceCorrelation(totalCount: 0, filter1Count: 0, filter2Count: 0, jointCount: 0) }
        return TraceCorrelation(
            totalCount: Int(clamping: row.int(0)), filter1Count: Int(clamping: row.int(1)), filter2Count: Int(clamping: row.int(2)),
            jointCount: Int(clamping: row.int(3)))
    }
}
