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

    /// MLflow's sample of the runs' histories (``MetricStepSampling``): the same steps, every point at each.
    ///
    /// MLflow lists every distinct step in Python. Here SQLite counts the distinct steps of each run in
    /// one pass over the primary key (no rows leave the engine); a run whose steps are consecutive
    /// integers (the usual history) then needs no second pass, as its k-th step is arithmetic. Only
    /// histories with gaps are read a second time, as a stream of steps, to pick the sampled ones.
    public func sampledMetricHistory(runIDs: [String], key: String, maxResultsPerRun: Int, steps: ClosedRange<Int64>?)
        async throws -> [RunMetric]
    {
        try readNow { db in
            let runs = try runIDs.map { (id: $0, pk: try Self.requireRun($0, in: db).pk) }
            guard let keyID = try Self.metricKeyID(key, in: db) else { return [] }
            var bounds: [ClosedRange<Int64>] = []
            for run in runs {
                if let first = try Self.edgeStep(run: run.pk, key: keyID, last: false, in: db),
                   let last = try Self.edgeStep(run: run.pk, key: keyID, last: true, in: db) {
                    bounds.append(first...last)
                }
            }
            guard let highest = bounds.map(\.upperBound).max() else { return [] }
            // Without a range MLflow samples from step 0 to the highest step logged.
            let range = steps ?? (0...max(0, highest))
            var chosen = Set(try Self.sampledSteps(runs: runs.map(\.pk), key: keyID, range: range, maxResults: maxResultsPerRun, in: db))
            for bound in bounds {
                if range.contains(bound.lowerBound) { chosen.insert(bound.lowerBound) }
                if range.contains(bound.upperBound) { chosen.insert(bound.upperBound) }
            }
            guard !chosen.isEmpty else { return [] }
            let wanted = chosen.sorted()
            var result: [RunMetric] = []
            for run in runs {
                let points = try Self.points(
                    db.makeStatement(sql: """
                        SELECT \(Self.pointColumns) FROM metrics WHERE run_pk = ? AND key_id = ? AND step IN (\(Array(repeating: "?", count: wanted.count).joined(separator: ",")))
                        ORDER BY \(Self.pointOrder) LIMIT ?
                        """),
                    StatementArguments([run.pk, keyID]) + StatementArguments(wanted) + [Limits.maxPointsPerRunBulkInterval])
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

    private static let pointColumns = "step, timestamp, value, is_nan"
    private static let pointOrder = "step, timestamp, value, is_nan"

    private static func points(_ statement: Statement, _ arguments: StatementArguments) throws -> [Point] {
        try Row.fetchAll(statement, arguments: arguments).map {
            Point(step: $0[0], timestamp: $0[1], value: StoredMetricValue.decode(value: $0[2], isNaN: $0[3]))
        }
    }

    /// A run's first or last logged step of the key: one seek into the primary key.
    private static func edgeStep(run: Int64, key: Int64, last: Bool, in db: Database) throws -> Int64? {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT step FROM metrics WHERE run_pk = ? AND key_id = ? ORDER BY step \(last ? "DESC" : "ASC") LIMIT 1"),
            arguments: [run, key])
    }

    /// The steps at MLflow's sampled positions among the distinct steps the runs logged inside `range`.
    private static func sampledSteps(runs: [Int64], key: Int64, range: ClosedRange<Int64>, maxResults: Int, in db: Database) throws -> [Int64] {
        // Per run: how many distinct steps lie in the range, and the first and last of them.
        var spans: [ClosedRange<Int64>] = []
        var allConsecutive = true
        for run in runs {
            // The ends are two seeks; the count is one pass over the key's slice of the primary key
            // (a DISTINCT subquery streams in index order, which COUNT(DISTINCT) with MIN/MAX does not).
            let inRange = "FROM metrics WHERE run_pk = ? AND key_id = ? AND step BETWEEN ? AND ?"
            let arguments: StatementArguments = [run, key, range.lowerBound, range.upperBound]
            guard let low = try Int64.fetchOne(db.cachedStatement(sql: "SELECT step \(inRange) ORDER BY step LIMIT 1"), arguments: arguments),
                  let high = try Int64.fetchOne(db.cachedStatement(sql: "SELECT step \(inRange) ORDER BY step DESC LIMIT 1"), arguments: arguments),
                  let distinct = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM (SELECT DISTINCT step \(inRange))"), arguments: arguments)
            else { continue }
            spans.append(low...high)
            if MetricStepSampling.count(of: low...high) != distinct { allConsecutive = false }
        }
        guard !spans.isEmpty else { return [] }
        if allConsecutive {
            let union = MetricStepSampling.union(spans)
            let total = union.reduce(0) { $0.addingReportingOverflow(MetricStepSampling.count(of: $1)).partialValue }
            return MetricStepSampling.steps(at: MetricStepSampling.positions(count: total, maxResults: maxResults), in: union)
        }
        // Gaps: count the union's distinct steps, then stream them once and keep the sampled positions.
        let runList = Array(repeating: "?", count: runs.count).joined(separator: ",")
        let scope = "key_id = ? AND run_pk IN (\(runList)) AND step BETWEEN ? AND ?"
        let arguments = [key] + StatementArguments(runs) + [range.lowerBound, range.upperBound]
        let total = try Int.fetchOne(db.makeStatement(sql: "SELECT COUNT(*) FROM (SELECT DISTINCT step FROM metrics WHERE \(scope))"), arguments: arguments) ?? 0
        let positions = MetricStepSampling.positions(count: total, maxResults: maxResults)
        var picked: [Int64] = []
        picked.reserveCapacity(positions.count)
        var next = positions.makeIterator()
        var wanted = next.next()
        var position = 0
        let stepsInOrder = try Int64.fetchCursor(db.makeStatement(sql: "SELECT DISTINCT step FROM metrics WHERE \(scope) ORDER BY step"), arguments: arguments)
        while let target = wanted, let step = try stepsInOrder.next() {
            if position == target {
                picked.append(step)
                wanted = next.next()
            }
            position += 1
        }
        return picked
    }

    static func metricKeyID(_ key: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT key_id FROM metric_keys WHERE key = ?"), arguments: [key])
    }
}
