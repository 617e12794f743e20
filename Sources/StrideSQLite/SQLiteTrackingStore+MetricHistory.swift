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

    /// Up to `maxResultsPerRun` points per run, exactly MLflow's (3.13 and later): every point when
    /// the range holds no more, else the first point of each of `maxResultsPerRun` NTILE buckets of the
    /// ordered points, with the last point replacing the last sample when it is not already one.
    ///
    /// A short range costs one read of at most `maxResultsPerRun + 1` points; a longer one two passes
    /// over the run's slice of the primary key inside SQLite (docs/performance.md has the cost).
    public func sampledMetricHistory(runIDs: [String], key: String, maxResultsPerRun: Int, steps: ClosedRange<Int64>?)
        async throws -> [RunMetric]
    {
        try readNow { db in
            let runs = try runIDs.map { (id: $0, pk: try Self.requireRun($0, in: db).pk) }
            guard let keyID = try Self.metricKeyID(key, in: db) else { return [] }
            var result: [RunMetric] = []
            for run in runs {
                let points = try Self.sampledPoints(run: run.pk, key: keyID, limit: maxResultsPerRun, steps: steps, in: db)
                result += points.map { RunMetric(runID: run.id, metric: Metric(key: key, value: $0.value, timestamp: $0.timestamp, step: $0.step)) }
            }
            return result
        }
    }

    private struct Point {
        var step: Int64
        var timestamp: Int64
        var value: Double

        /// The same stored point: compares the value's bits, as NaN never equals itself.
        func isSamePoint(as other: Point) -> Bool {
            step == other.step && timestamp == other.timestamp && value.bitPattern == other.value.bitPattern
        }
    }

    private static let pointColumns = "step, timestamp, value, is_nan"
    private static let pointOrder = "step, timestamp, value, is_nan"

    private static func points(_ statement: Statement, _ arguments: StatementArguments) throws -> [Point] {
        try Row.fetchAll(statement, arguments: arguments).map {
            Point(step: $0[0], timestamp: $0[1], value: StoredMetricValue.decode(value: $0[2], isNaN: $0[3]))
        }
    }

    private static func sampledPoints(run: Int64, key: Int64, limit: Int, steps: ClosedRange<Int64>?, in db: Database) throws -> [Point] {
        let low = steps?.lowerBound ?? Int64.min
        let high = steps?.upperBound ?? Int64.max
        let scope: StatementArguments = [run, key, low, high]
        let inRange = "run_pk = ? AND key_id = ? AND step BETWEEN ? AND ?"

        // Few enough points: all of them (reads at most limit + 1 rows).
        let head = try points(
            db.cachedStatement(sql: "SELECT \(pointColumns) FROM metrics WHERE \(inRange) ORDER BY \(pointOrder) LIMIT ?"),
            scope + [limit + 1])
        guard head.count > limit else { return head }
        guard let last = try points(
            db.cachedStatement(sql: "SELECT \(pointColumns) FROM metrics WHERE \(inRange) ORDER BY step DESC, timestamp DESC, value DESC, is_nan DESC LIMIT 1"),
            scope
        ).first else { return head }

        // MLflow numbers the points in order, deals them into `limit` NTILE buckets (the first
        // `count % limit` hold one point more) and keeps each bucket's first point. Once the count is
        // known the buckets' first positions are arithmetic, so one counting pass and one numbered pass,
        // both in the primary key's order inside SQLite, pick exactly MLflow's points.
        let count = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM metrics WHERE \(inRange)"), arguments: scope) ?? 0
        guard count > limit else { return head }
        let bucketSize = count / limit
        let largerBucketsEnd = (count % limit) * (bucketSize + 1)
        var sample = try points(
            db.cachedStatement(sql: """
                SELECT \(pointColumns) FROM (
                    SELECT \(pointColumns), ROW_NUMBER() OVER (ORDER BY \(pointOrder)) - 1 AS position
                    FROM metrics WHERE \(inRange)
                )
                WHERE (position < ? AND position % ? = 0) OR (position >= ? AND (position - ?) % ? = 0)
                ORDER BY \(pointOrder)
                """),
            scope + [largerBucketsEnd, bucketSize + 1, largerBucketsEnd, largerBucketsEnd, bucketSize])
        if sample.last.map({ !$0.isSamePoint(as: last) }) ?? true {
            if sample.count >= limit { sample.removeLast() }
            sample.append(last)
        }
        return sample
    }

    static func metricKeyID(_ key: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT key_id FROM metric_keys WHERE key = ?"), arguments: [key])
    }
}
