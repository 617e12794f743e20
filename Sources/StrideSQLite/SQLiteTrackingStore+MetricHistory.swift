import GRDB
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore {
    public func metricHistory(runID: String, key: String, limit: Int?, after cursor: MetricCursor?) async throws
        -> (metrics: [Metric], next: MetricCursor?)
    {
        try readNow { db in
            guard let runPK = try Int64.fetchOne(db.cachedStatement(sql: "SELECT run_pk FROM runs WHERE run_uuid = ?"), arguments: [runID]),
                  let keyID = try Self.metricKeyID(key, in: db)
            else { return ([], nil) }
            var sql = "SELECT step, timestamp, value, is_nan FROM metrics WHERE run_pk = ? AND key_id = ?"
            var arguments: StatementArguments = [runPK, keyID]
            if let cursor {
                // Keyset paging over the primary key: each page is an index range scan, however deep.
                sql += " AND (step, timestamp, value, is_nan) > (?, ?, ?, ?)"
                let stored = StoredMetricValue.encode(cursor.value)
                arguments += [cursor.step, cursor.timestamp, stored.value, stored.isNaN]
            }
            sql += " ORDER BY step, timestamp, value, is_nan"
            if let limit {
                sql += " LIMIT ?"
                arguments += [limit + 1]
            }
            var metrics: [Metric] = []
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
            while let row = try rows.next() {
                metrics.append(Metric(
                    key: key, value: StoredMetricValue.decode(value: row[2], isNaN: row[3]), timestamp: row[1], step: row[0]))
            }
            guard let limit, metrics.count > limit else { return (metrics, nil) }
            metrics.removeLast(metrics.count - limit)
            return (metrics, MetricCursor(after: metrics[limit - 1]))
        }
    }

    /// Up to `maxResultsPerRun` points per run, exactly MLflow's (`MetricIntervalSample`).
    ///
    /// The range is counted and each sampled position sought through `metric_step_counts`
    /// (`MetricHistoryPositions`), so the cost follows the sample's size, not the history's length
    /// (docs/performance.md has the numbers).
    public func sampledMetricHistory(runIDs: [String], key: String, maxResultsPerRun: Int, steps: ClosedRange<Int64>?)
        async throws -> [RunMetric]
    {
        try readNow { db in
            let runs = try runIDs.map { (id: $0, pk: try Self.requireRun($0, in: db).pk) }
            guard let keyID = try Self.metricKeyID(key, in: db) else { return [] }
            var result: [RunMetric] = []
            for run in runs {
                let points = try Self.sampledPoints(run: run.pk, key: keyID, limit: maxResultsPerRun, steps: steps, in: db)
                result += points.map {
                    RunMetric(runID: run.id, metric: Metric(
                        key: key, value: StoredMetricValue.decode(value: $0.value, isNaN: $0.isNaN), timestamp: $0.timestamp, step: $0.step))
                }
            }
            return result
        }
    }

    private static func sampledPoints(run: Int64, key: Int64, limit: Int, steps: ClosedRange<Int64>?, in db: Database) throws
        -> [StoredMetricPoint]
    {
        var positions = try MetricHistoryPositions(runPK: run, keyID: key, in: db)
        let first = try steps.map { try positions.count(before: $0.lowerBound) } ?? 0
        let end = try steps.flatMap { $0.upperBound == Int64.max ? nil : try positions.count(before: $0.upperBound + 1) } ?? positions.total
        let count = end - first
        guard count > limit else {
            // The whole range is the answer: one index range read.
            let low = steps?.lowerBound ?? Int64.min
            let high = steps?.upperBound ?? Int64.max
            return try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT \(StoredMetricPoint.columns) FROM metrics WHERE run_pk = ? AND key_id = ? AND step BETWEEN ? AND ?
                    ORDER BY step, timestamp, value, is_nan LIMIT ?
                    """),
                arguments: [run, key, low, high, limit]
            ).map(StoredMetricPoint.init)
        }
        return try positions.points(at: MetricIntervalSample.positions(count: count, limit: limit).map { first + $0 })
    }

    static func metricKeyID(_ key: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT key_id FROM metric_keys WHERE key = ?"), arguments: [key])
    }
}
