import PostgresNIO
public import StrideDomain
public import StrideStore

extension PostgresTrackingStore {
    public func metricHistory(runID: String, key: String, limit: Int?, after cursor: MetricCursor?) async throws
        -> (metrics: [Metric], next: MetricCursor?)
    {
        try await database.read { db in
            var statement = SQL(
                """
                SELECT m.step, m.timestamp, m.value, m.is_nan FROM metrics m
                WHERE m.run_pk = (SELECT run_pk FROM runs WHERE run_uuid = ?) AND m.key_id = (SELECT key_id FROM metric_keys WHERE key = ?)
                """,
                runID, key)
            if let cursor {
                // Keyset paging over the primary key: each page is an index range scan, however deep.
                let stored = StoredMetricValue.encode(cursor.value)
                statement = statement + SQL(
                    " AND (m.step, m.timestamp, m.value, m.is_nan) > (?, ?, ?, ?)", cursor.step, cursor.timestamp, stored.value, stored.isNaN)
            }
            statement = statement + SQL(" ORDER BY m.step, m.timestamp, m.value, m.is_nan")
            if let limit { statement = statement + SQL(" LIMIT ?", limit + 1) }
            var metrics = try await Self.historyPage(statement, key: key, in: db)
            guard let limit, metrics.count > limit else { return (metrics, nil) }
            metrics.removeLast(metrics.count - limit)
            return (metrics, MetricCursor(after: metrics[limit - 1]))
        }
    }

    /// The points `page` selects (step, timestamp, value, is_nan, in the primary key's order), fetched
    /// as four arrays in one row: decoding one binary array per column costs a fraction of decoding a
    /// row per point, which was most of a long history read.
    private static func historyPage(_ page: SQL, key: String, in db: Session) async throws -> [Metric] {
        let statement = SQL("SELECT array_agg(page.step), array_agg(page.timestamp), array_agg(page.value), array_agg(page.is_nan) FROM (") + page
            + SQL(") page")
        var columns: ([Int64]?, [Int64]?, [Double]?, [Int64]?) = (nil, nil, nil, nil)
        try await db.forEachRow(statement.reused()) { row in
            columns = try row.decode(([Int64]?, [Int64]?, [Double]?, [Int64]?).self)
        }
        guard let steps = columns.0, let timestamps = columns.1, let values = columns.2, let nans = columns.3,
            steps.count == timestamps.count, steps.count == values.count, steps.count == nans.count
        else { return [] }
        var points = steps.indices.map { index in
            StoredPoint(step: steps[index], timestamp: timestamps[index], value: values[index], isNaN: nans[index])
        }
        // array_agg keeps the order of its sorted subquery in practice, which PostgreSQL does not promise; the check is linear.
        if zip(points, points.dropFirst()).contains(where: { $1 < $0 }) { points.sort() }
        return points.map { Metric(key: key, value: StoredMetricValue.decode(value: $0.value, isNaN: $0.isNaN), timestamp: $0.timestamp, step: $0.step) }
    }

    /// A metrics row's key columns, ordered as its primary key orders them.
    private struct StoredPoint: Comparable {
        var step: Int64
        var timestamp: Int64
        var value: Double
        var isNaN: Int64

        static func < (lhs: StoredPoint, rhs: StoredPoint) -> Bool {
            (lhs.step, lhs.timestamp, lhs.value, lhs.isNaN) < (rhs.step, rhs.timestamp, rhs.value, rhs.isNaN)
        }
    }

    /// Up to `maxResultsPerRun` points per run, exactly MLflow's (and the SQLite store's): every point
    /// when the range holds no more, else the first point of each of `maxResultsPerRun` NTILE buckets
    /// of the ordered points, with the last point replacing the last sample when it is not already one.
    ///
    /// The range is counted and each sampled position found through `metric_step_counts`
    /// (``PostgresMetricPositions``), in one snapshot so the counts and the points agree: the cost
    /// follows the sample's size, not the history's length.
    public func sampledMetricHistory(runIDs: [String], key: String, maxResultsPerRun: Int, steps: ClosedRange<Int64>?)
        async throws -> [RunMetric]
    {
        try await database.snapshot { db in
            var runs: [(id: String, pk: Int64)] = []
            for id in runIDs { runs.append((id, try await Self.requireRun(id, in: db).pk)) }
            guard let keyID = try await Self.metricKeyID(key, in: db) else { return [] }
            var result: [RunMetric] = []
            for run in runs {
                let points = try await Self.sampledPoints(run: run.pk, key: keyID, limit: maxResultsPerRun, steps: steps, in: db)
                result += points.map { RunMetric(runID: run.id, metric: Metric(key: key, value: $0.value, timestamp: $0.timestamp, step: $0.step)) }
            }
            return result
        }
    }

    private struct Point {
        var step: Int64
        var timestamp: Int64
        var value: Double
    }

    private static func sampledPoints(run: Int64, key: Int64, limit: Int, steps: ClosedRange<Int64>?, in db: Session) async throws -> [Point] {
        var positions = try await PostgresMetricPositions.load(runPK: run, keyID: key, in: db)
        var first = 0
        if let steps { first = try await positions.count(before: steps.lowerBound) }
        let end: Int
        if let steps, steps.upperBound != Int64.max {
            end = try await positions.count(before: steps.upperBound + 1)
        } else {
            end = positions.total
        }
        let count = end - first
        guard count > limit else {
            // The whole range is the answer: one index range read.
            let rows = try await db.rows(SQL(
                """
                SELECT step, timestamp, value, is_nan FROM metrics WHERE run_pk = ? AND key_id = ? AND step BETWEEN ? AND ?
                ORDER BY step, timestamp, value, is_nan LIMIT ?
                """,
                run, key, steps?.lowerBound ?? Int64.min, steps?.upperBound ?? Int64.max, Int64(limit)))
            return rows.map(point)
        }
        let sampled = MetricIntervalSample.positions(count: count, limit: limit).map { first + $0 }
        try await positions.prefetchBlocks(holding: sampled)
        var seeks: [MetricStepBlocks.Seek] = []
        for position in sampled {
            guard let seek = try await positions.seek(position) else { continue }
            guard seek.skip <= PostgresMetricPositions.maxSkip else {
                return try await numberedSample(run: run, key: key, limit: limit, steps: steps, in: db)
            }
            seeks.append(seek)
        }
        return try await positions.points(at: seeks).map {
            Point(step: $0.step, timestamp: $0.timestamp, value: StoredMetricValue.decode(value: $0.value, isNaN: $0.isNaN))
        }
    }

    private static func point(_ row: SQLRow) -> Point {
        Point(step: row.int(0), timestamp: row.int(1), value: StoredMetricValue.decode(value: row.double(2), isNaN: row.int(3)))
    }

    /// The sample for histories with many points on few steps, where a position lies too deep in its
    /// block for a seek: numbers the range's points in order; with `n` points and `limit` buckets (the
    /// first `n % limit` one point larger) a bucket's first position is arithmetic, so the sample is
    /// the points at those positions, plus the last point in place of the final sample when it is not
    /// one already.
    private static func numberedSample(run: Int64, key: Int64, limit: Int, steps: ClosedRange<Int64>?, in db: Session) async throws -> [Point] {
        let rows = try await db.rows(SQL(
            """
            WITH numbered AS (
                SELECT step, timestamp, value, is_nan,
                       ROW_NUMBER() OVER (ORDER BY step, timestamp, value, is_nan) - 1 AS position,
                       COUNT(*) OVER () AS total
                FROM metrics WHERE run_pk = ? AND key_id = ? AND step BETWEEN ? AND ?
            ),
            shaped AS (
                SELECT *, total / ? AS size, (total % ?) * (total / ? + 1) AS larger_end FROM numbered
            ),
            picked AS (
                SELECT step, timestamp, value, is_nan, position, total,
                       CASE WHEN total <= ? THEN TRUE
                            WHEN position < larger_end THEN position % (size + 1) = 0
                            ELSE (position - larger_end) % size = 0 END AS sampled
                FROM shaped
            )
            SELECT step, timestamp, value, is_nan, position, total FROM picked
            WHERE sampled OR position = total - 1
            ORDER BY position
            """,
            run, key, steps?.lowerBound ?? Int64.min, steps?.upperBound ?? Int64.max, Int64(limit), Int64(limit), Int64(limit), Int64(limit)))
        guard let total = rows.first?.int(5) else { return [] }
        guard total > Int64(limit) else { return rows.map(point) }
        // The last point is in the result whether sampled or not; it replaces the final sample when it is not one.
        var sample: [Point] = []
        var lastSampled = false
        for row in rows {
            let isLast = row.int(4) == total - 1
            let isSample = Self.isBucketStart(position: row.int(4), total: total, limit: Int64(limit))
            if isSample { sample.append(point(row)) }
            if isLast { lastSampled = isSample }
        }
        if !lastSampled, let last = rows.last {
            if sample.count >= limit { sample.removeLast() }
            sample.append(point(last))
        }
        return sample
    }

    private static func isBucketStart(position: Int64, total: Int64, limit: Int64) -> Bool {
        let size = total / limit
        let largerEnd = (total % limit) * (size + 1)
        return position < largerEnd ? position % (size + 1) == 0 : (position - largerEnd) % size == 0
    }
}
