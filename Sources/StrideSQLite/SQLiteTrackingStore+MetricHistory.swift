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
                arguments += [cursor.step, cursor.timestamp, cursor.value, cursor.isNaN ? 1 : 0]
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

    public func sampledMetricHistory(runIDs: [String], key: String, maxResultsPerRun: Int, steps: ClosedRange<Int64>?)
        async throws -> [RunMetric]
    {
        try readNow { db in
            let runs = try runIDs.map { (id: $0, pk: try Self.requireRun($0, in: db).pk) }
            guard let keyID = try Self.metricKeyID(key, in: db) else { return [] }
            let range = steps == nil ? "" : " AND step BETWEEN ? AND ?"
            // Every stride-th point by position, plus the last one; the stride makes at most
            // `maxResultsPerRun` points in all (at least 3, so first, middle and last survive).
            let statement = try db.cachedStatement(sql: """
                WITH ranked AS (
                    SELECT step, timestamp, value, is_nan,
                           ROW_NUMBER() OVER (ORDER BY step, timestamp, value, is_nan) AS position,
                           COUNT(*) OVER () AS total
                    FROM metrics WHERE run_pk = ? AND key_id = ?\(range)
                )
                SELECT step, timestamp, value, is_nan FROM ranked
                WHERE position = total OR total <= ? OR (position - 1) % ((total + ? - 3) / (? - 2)) = 0
                ORDER BY position
                """)
            let slots = max(maxResultsPerRun, 3)
            var result: [RunMetric] = []
            for run in runs {
                var arguments: StatementArguments = [run.pk, keyID]
                if let steps { arguments += [steps.lowerBound, steps.upperBound] }
                arguments += [maxResultsPerRun, slots, slots]
                let rows = try Row.fetchCursor(statement, arguments: arguments)
                while let row = try rows.next() {
                    result.append(RunMetric(
                        runID: run.id,
                        metric: Metric(key: key, value: StoredMetricValue.decode(value: row[2], isNaN: row[3]), timestamp: row[1], step: row[0])))
                }
            }
            return result
        }
    }

    static func metricKeyID(_ key: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT key_id FROM metric_keys WHERE key = ?"), arguments: [key])
    }
}
