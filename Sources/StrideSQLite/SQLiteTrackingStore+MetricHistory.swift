import SQLiteNIO
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore {
    public func metricHistory(runID: String, key: String, limit: Int?, after cursor: MetricCursor?) async throws
        -> (metrics: [Metric], next: MetricCursor?)
    {
        try await database.read { connection in
            let run = try await self.requireRun(runID, on: connection)
            let keyRows = try await connection.query("SELECT key_id FROM metric_keys WHERE key = ?", [.text(key)])
            guard let keyID = try keyRows.first?.int("key_id") else { return ([], nil) }
            var sql = "SELECT step, timestamp, value, is_nan FROM metrics WHERE run_pk = ? AND key_id = ?"
            var binds: [SQLiteData] = [.integer(Int(run.pk)), .integer(Int(keyID))]
            if let cursor {
                // Keyset paging over the primary key: each page is an index range scan, however deep.
                sql += " AND (step, timestamp, value, is_nan) > (?, ?, ?, ?)"
                binds += [.integer(Int(cursor.step)), .integer(Int(cursor.timestamp)), .float(cursor.value), .integer(cursor.isNaN ? 1 : 0)]
            }
            sql += " ORDER BY step, timestamp, value, is_nan"
            if let limit {
                sql += " LIMIT ?"
                binds.append(.integer(limit + 1))
            }
            let rows = try await connection.query(sql, binds)
            var metrics = try rows.map { row in
                Metric(
                    key: key, value: StoredMetricValue.decode(value: try row.double("value"), isNaN: try row.int("is_nan")),
                    timestamp: try row.int("timestamp"), step: try row.int("step"))
            }
            guard let limit, metrics.count > limit else { return (metrics, nil) }
            metrics.removeLast(metrics.count - limit)
            return (metrics, MetricCursor(after: metrics[limit - 1]))
        }
    }

    public func sampledMetricHistory(runIDs: [String], key: String, maxResultsPerRun: Int, steps: ClosedRange<Int64>?)
        async throws -> [RunMetric]
    {
        try await database.read { connection in
            var runs: [(pk: Int64, id: String)] = []
            for runID in runIDs {
                runs.append((try await self.requireRun(runID, on: connection).pk, runID))
            }
            let keyRows = try await connection.query("SELECT key_id FROM metric_keys WHERE key = ?", [.text(key)])
            guard let keyID = try keyRows.first?.int("key_id") else { return [] }
            var result: [RunMetric] = []
            for run in runs {
                var range = ""
                var binds: [SQLiteData] = [.integer(Int(run.pk)), .integer(Int(keyID))]
                if let steps {
                    range = " AND step BETWEEN ? AND ?"
                    binds += [.integer(Int(steps.lowerBound)), .integer(Int(steps.upperBound))]
                }
                // Every stride-th point by position, plus the last one; the stride makes at most
                // `maxResultsPerRun` points in all.
                let sql = """
                    WITH ranked AS (
                        SELECT step, timestamp, value, is_nan,
                               ROW_NUMBER() OVER (ORDER BY step, timestamp, value, is_nan) AS position,
                               COUNT(*) OVER () AS total
                        FROM metrics WHERE run_pk = ? AND key_id = ?\(range)
                    )
                    SELECT step, timestamp, value, is_nan FROM ranked
                    WHERE position = total
                       OR total <= ?
                       OR (position - 1) % ((total + ? - 3) / (? - 2)) = 0
                    ORDER BY position
                    """
                let slots = max(maxResultsPerRun, 3)
                binds += [.integer(maxResultsPerRun), .integer(slots), .integer(slots)]
                for row in try await connection.query(sql, binds) {
                    result.append(RunMetric(
                        runID: run.id,
                        metric: Metric(
                            key: key, value: StoredMetricValue.decode(value: try row.double("value"), isNaN: try row.int("is_nan")),
                            timestamp: try row.int("timestamp"), step: try row.int("step"))))
                }
            }
            return result
        }
    }
}
