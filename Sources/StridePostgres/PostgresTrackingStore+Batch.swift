import Synchronization
import StrideDomain
public import StrideStore

extension PostgresTrackingStore {
    /// The ingest path: one transaction, and per table one statement whose columns travel as arrays
    /// (`UNNEST`), so a batch of any size costs the same few round trips: the run check, the params
    /// (insert and conflict check in one statement), the metric points together with the latest-value
    /// upsert, and the tags. A batch that ``fitsOneStatement(_:knownKeys:)`` skips all that for one statement.
    public func logBatch(runID: String, _ batch: RunBatch) async throws {
        let knownKeys = metricKeyIDs.withLock { cache in cache }
        let summarized = recordedExperimentKeys.withLock { summary in summary }
        if Self.fitsOneStatement(batch, knownKeys: knownKeys) {
            return try await logBatchInOneStatement(runID: runID, batch, knownKeys: knownKeys, summarized: summarized)
        }
        let (newKeys, newSummary) = try await database.write { db -> ([String: Int64], [ExperimentKeyEntry]) in
            let run = try await Self.requireRun(runID, in: db)
            try Self.requireActive(run, id: runID)
            var newSummary: [ExperimentKeyEntry] = []
            if !batch.params.isEmpty {
                try await Self.insertParams(batch.params, runID: runID, runPK: run.pk, in: db)
                try await Self.recordKeys(
                    batch.params.map(\.key), kind: .param, experimentID: run.experimentID, known: summarized, into: &newSummary, in: db)
            }
            var newKeys: [String: Int64] = [:]
            if !batch.metrics.isEmpty {
                newKeys = try await Self.insertMetrics(batch.metrics, runPK: run.pk, knownKeys: knownKeys, in: db)
                try await Self.recordKeys(
                    batch.metrics.map(\.key), kind: .metric, experimentID: run.experimentID, known: summarized, into: &newSummary, in: db)
            }
            if !batch.modelMetrics.isEmpty {
                try await Self.insertModelMetrics(batch.modelMetrics, runID: runID, in: db)
            }
            if !batch.tags.isEmpty {
                try await Self.upsertRunTags(batch.tags, runPK: run.pk, in: db)
                try await Self.recordKeys(
                    batch.tags.map(\.key), kind: .tag, experimentID: run.experimentID, known: summarized, into: &newSummary, in: db)
            }
            if let name = batch.newRunName {
                try await db.execute(SQL("UPDATE runs SET name = ? WHERE run_pk = ?", name, run.pk))
            }
            return (newKeys, newSummary)
        }
        if !newKeys.isEmpty {
            metricKeyIDs.withLock { cache in cache.merge(newKeys) { old, _ in old } }
        }
        rememberRecordedKeys(newSummary)
    }

    /// Inserts params that are new, accepts identical re-logs and rejects changed values, in one
    /// statement: the conflict check reads the params as they were before the insert.
    private static func insertParams(_ params: [Param], runID: String, runPK: Int64, in db: Session) async throws {
        let rows = try await db.rows(SQL(
            """
            WITH input AS (SELECT * FROM UNNEST(?::text[], ?::text[]) AS i (key, value)),
                 inserted AS (
                     INSERT INTO params (run_pk, key, value) SELECT ?, key, value FROM input ON CONFLICT (run_pk, key) DO NOTHING
                 )
            SELECT p.key, p.value, i.value FROM params p JOIN input i ON i.key = p.key
            WHERE p.run_pk = ? AND p.value != i.value
            """,
            [.texts(params.map(\.key)), .texts(params.map(\.value)), .integer(runPK), .integer(runPK)]))
        if let conflict = paramConflict(stored: rows.map { ($0.text(0), $0.text(1)) }, logged: params, runID: runID) { throw conflict }
    }

    /// The conflict of `logged` with the `stored` (key, value) pairs that differ from it, if any.
    static func paramConflict(stored: [(key: String, value: String)], logged params: [Param], runID: String) -> ParamValueConflict? {
        guard !stored.isEmpty else { return nil }
        let old = Dictionary(stored.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let changes = params.compactMap { param in
            old[param.key].flatMap { $0 == param.value ? nil : ParamValueConflict.Change(key: param.key, oldValue: $0, newValue: param.value) }
        }
        return ParamValueConflict(runID: runID, changes: changes)
    }

    /// Inserts metric points (exact duplicates are ignored) and moves each key's latest row forward,
    /// both in one statement. The upsert's row comparison is `Metric.isLater(than:)`: step,
    /// timestamp, value, and a number beats NaN on a tie; `ON CONFLICT` re-checks it against the row
    /// as another instance may just have committed it. Returns key ids created in this transaction.
    private static func insertMetrics(_ metrics: [Metric], runPK: Int64, knownKeys: [String: Int64], in db: Session) async throws
        -> [String: Int64]
    {
        var keyIDs = knownKeys
        let missing = Set(metrics.lazy.map(\.key).filter { knownKeys[$0] == nil })
        var newKeys: [String: Int64] = [:]
        if !missing.isEmpty {
            newKeys = try await resolveMetricKeys(missing.sorted(), in: db)
            keyIDs.merge(newKeys) { old, _ in old }
        }
        // One candidate per key, so the upsert touches each latest row once.
        let latest = Metric.latestPerKey(metrics)
        try await db.execute(SQL(
            """
            WITH points AS (
                INSERT INTO metrics (run_pk, key_id, step, timestamp, value, is_nan) SELECT ?, * FROM \(metricArrays) ON CONFLICT DO NOTHING
                \(insertedPointsReturning)
            ),
            counts AS (\(stepCountsUpsert(from: "points")))
            INSERT INTO latest_metrics AS l (run_pk, key_id, step, timestamp, value, is_nan) SELECT ?, * FROM \(metricArrays)
            \(latestMetricConflict)
            """,
            [.integer(runPK)] + metricColumns(metrics, keyIDs: keyIDs) + [.integer(runPK)] + metricColumns(latest, keyIDs: keyIDs)))
        return newKeys
    }

    /// The five metric columns as arrays, in the order of ``metricArrays``.
    static let metricArrays = "UNNEST(?::int8[], ?::int8[], ?::int8[], ?::float8[], ?::int8[])"

    /// Moves a latest row forward only when the candidate is later (``Metric/isLater(than:)``).
    static let latestMetricConflict = """
        ON CONFLICT (run_pk, key_id) DO UPDATE SET
            step = excluded.step, timestamp = excluded.timestamp, value = excluded.value, is_nan = excluded.is_nan
        WHERE (excluded.step, excluded.timestamp, excluded.value, -excluded.is_nan) > (l.step, l.timestamp, l.value, -l.is_nan)
        """

    /// The bindings for ``metricArrays``.
    static func metricColumns(_ points: [Metric], keyIDs: [String: Int64]) -> [SQLValue] {
        PointColumns(points, keyIDs: keyIDs).bindings
    }

    /// Metric points as the columns of ``metricArrays``.
    struct PointColumns {
        var keys: [Int64] = []
        var steps: [Int64] = []
        var timestamps: [Int64] = []
        var values: [Double] = []
        var nans: [Int64] = []

        init(_ points: [Metric], keyIDs: [String: Int64]) {
            keys.reserveCapacity(points.count)
            steps.reserveCapacity(points.count)
            timestamps.reserveCapacity(points.count)
            values.reserveCapacity(points.count)
            nans.reserveCapacity(points.count)
            for point in points {
                let stored = StoredMetricValue.encode(point.value)
                keys.append(keyIDs[point.key] ?? 0)
                steps.append(point.step)
                timestamps.append(point.timestamp)
                values.append(stored.value)
                nans.append(stored.isNaN)
            }
        }

        /// The bindings, in the order of ``PostgresTrackingStore/metricArrays``.
        var bindings: [SQLValue] { [.integers(keys), .integers(steps), .integers(timestamps), .reals(values), .integers(nans)] }
    }

    /// Maps metric keys to ids, creating the missing ones (another instance may create them at the same time).
    static func resolveMetricKeys(_ keys: [String], in db: Session) async throws -> [String: Int64] {
        try await db.execute(SQL("INSERT INTO metric_keys (key) SELECT * FROM UNNEST(?::text[]) ON CONFLICT DO NOTHING", [.texts(keys)]))
        var resolved: [String: Int64] = [:]
        for row in try await db.rows(SQL("SELECT key_id, key FROM metric_keys WHERE key = ANY(?::text[])", [.texts(keys)])) {
            resolved[row.text(1)] = row.int(0)
        }
        return resolved
    }

    static func metricKeyID(_ key: String, in db: Session) async throws -> Int64? {
        try await db.row(SQL("SELECT key_id FROM metric_keys WHERE key = ?", key).reused())?.int(0)
    }
}
