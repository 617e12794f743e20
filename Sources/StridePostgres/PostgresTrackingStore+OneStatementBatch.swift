import PostgresNIO
import Synchronization
import StrideDomain
import StrideStore

/// The small writes (log-metric, log-param, set-tag, and log-batch of known metric keys) as one
/// statement with no `BEGIN`/`COMMIT`: the run lookup, its state check and every insert are CTEs of
/// one `WITH`, which PostgreSQL applies atomically, so a request costs one round trip instead of
/// four. The writes select from the run only when it is active, so a missing or deleted run writes
/// nothing and comes back as the same ``StoreError`` as on the transaction path.
extension PostgresTrackingStore {
    /// Whether `batch` can be one statement: nothing in it needs a statement of its own first (new
    /// metric keys, model links, a run rename), and nothing can be refused after a row is written.
    /// A changed param value is refused after the statement ran, so params go this way only alone:
    /// their insert skips a conflicting key, and nothing else would have to be undone.
    static func fitsOneStatement(_ batch: RunBatch, knownKeys: [String: Int64]) -> Bool {
        guard batch.modelMetrics.isEmpty, batch.newRunName == nil else { return false }
        guard batch.metrics.allSatisfy({ knownKeys[$0.key] != nil }) else { return false }
        return batch.params.isEmpty || (batch.metrics.isEmpty && batch.tags.isEmpty)
    }

    /// The points go in with a plain `INSERT`: `ON CONFLICT DO NOTHING` inserts each row speculatively,
    /// which made a 1,000-point batch cost PostgreSQL about twice the CPU. A point already stored (a
    /// client's retry, or the same point twice in one batch) makes the statement fail whole, with
    /// nothing written, and it runs once more skipping such points.
    func logBatchInOneStatement(
        runID: String, _ batch: RunBatch, knownKeys: [String: Int64], summarized: Set<ExperimentKeyEntry>
    ) async throws {
        do {
            try await logBatchInOneStatement(runID: runID, batch, knownKeys: knownKeys, summarized: summarized, skippingStoredPoints: false)
        } catch let error as PSQLError where !batch.metrics.isEmpty && error.serverInfo?[.sqlState] == Self.uniqueViolation {
            try await logBatchInOneStatement(runID: runID, batch, knownKeys: knownKeys, summarized: summarized, skippingStoredPoints: true)
        }
    }

    /// SQLSTATE `unique_violation`.
    private static let uniqueViolation = "23505"

    private func logBatchInOneStatement(
        runID: String, _ batch: RunBatch, knownKeys: [String: Int64], summarized: Set<ExperimentKeyEntry>, skippingStoredPoints: Bool
    ) async throws {
        let cachedExperiment = runExperiments.withLock { $0[runID] }
        let entries = Self.summaryEntries(of: batch)
        // The key summary is written in the same statement; entries known for the run's cached
        // experiment are skipped by the statement itself, so a stale cache still records them.
        let known = entries.map { entry in
            Int64(cachedExperiment.map { summarized.contains(ExperimentKeyEntry(experimentID: $0, kind: entry.kind, key: entry.key)) } == true ? 1 : 0)
        }
        var statement = SQL(
            """
            WITH run AS (SELECT run_pk, experiment_id, lifecycle_stage FROM runs WHERE run_uuid = ?),
                 target AS (SELECT run_pk, experiment_id FROM run WHERE lifecycle_stage = ?),
                 summary AS (
                     INSERT INTO experiment_keys (experiment_id, kind, key)
                     SELECT target.experiment_id, k.kind, k.key FROM target, UNNEST(?::int8[], ?::text[], ?::int8[]) AS k (kind, key, known)
                     WHERE NOT (k.known = 1 AND target.experiment_id = ?) ON CONFLICT DO NOTHING
                 )
            """,
            [.text(runID), .text(LifecycleStage.active.rawValue), .integers(entries.map(\.kind.rawValue)), .texts(entries.map(\.key)),
             .integers(known), .integer(cachedExperiment ?? -1)])
        if !batch.metrics.isEmpty {
            let latest = Metric.latestPerKey(batch.metrics)
            let points = PointColumns(batch.metrics, keyIDs: knownKeys)
            statement = statement + SQL(
                """
                ,
                points AS (
                    INSERT INTO metrics (run_pk, key_id, step, timestamp, value, is_nan)
                    SELECT target.run_pk, p.* FROM target, \(Self.metricArrays) AS p\(
                        skippingStoredPoints ? " ON CONFLICT DO NOTHING \(Self.insertedPointsReturning)" : "")
                ),
                counts AS (\(skippingStoredPoints ? Self.stepCountsUpsert(from: "points") : Self.stepCountsUpsertFromArrays)),
                latest AS (
                    INSERT INTO latest_metrics AS l (run_pk, key_id, step, timestamp, value, is_nan)
                    SELECT target.run_pk, p.* FROM target, \(Self.metricArrays) AS p
                    \(Self.latestMetricConflict)
                )
                """,
                points.bindings + (skippingStoredPoints ? [] : Self.stepCountColumns(points)) + Self.metricColumns(latest, keyIDs: knownKeys))
        }
        if !batch.tags.isEmpty {
            let unique = UniqueKeyed.lastWins(batch.tags, key: \.key)
            statement = statement + SQL(
                """
                ,
                tags AS (
                    INSERT INTO run_tags (run_pk, key, value) SELECT target.run_pk, t.* FROM target, UNNEST(?::text[], ?::text[]) AS t
                    ON CONFLICT (run_pk, key) DO UPDATE SET value = excluded.value
                )
                """,
                [.texts(unique.map(\.key)), .texts(unique.map(\.value))])
        }
        if batch.params.isEmpty {
            statement = statement + SQL(" SELECT run.experiment_id, run.lifecycle_stage FROM run")
        } else {
            // The conflict check reads the params as they were before this statement's insert.
            statement = statement + SQL(
                """
                ,
                input AS (SELECT * FROM UNNEST(?::text[], ?::text[]) AS i (key, value)),
                inserted AS (
                    INSERT INTO params (run_pk, key, value) SELECT target.run_pk, input.key, input.value FROM target, input
                    ON CONFLICT (run_pk, key) DO NOTHING
                ),
                conflicts AS (
                    SELECT p.key, p.value FROM params p JOIN target ON p.run_pk = target.run_pk JOIN input ON input.key = p.key
                    WHERE p.value != input.value
                )
                SELECT run.experiment_id, run.lifecycle_stage, conflicts.key, conflicts.value FROM run LEFT JOIN conflicts ON true
                """,
                [.texts(batch.params.map(\.key)), .texts(batch.params.map(\.value))])
        }
        let rows = try await database.writeOneStatement { [statement] db in try await db.rows(statement.reused()) }
        guard let first = rows.first else { throw StoreError.notFound(.run(id: runID)) }
        let stage = LifecycleStage(rawValue: first.text(1)) ?? .active
        guard stage == .active else { throw StoreError.notActive(.run(id: runID), stage: stage) }
        // Columns 2 and 3 (a conflicting param's key and stored value) exist only when params were sent.
        let stored = batch.params.isEmpty ? [] : rows.compactMap { row in row.optionalText(2).map { (key: $0, value: row.text(3)) } }
        if let conflict = Self.paramConflict(stored: stored, logged: batch.params, runID: runID) { throw conflict }
        let experimentID = first.int(0)
        remember(run: runID, inExperiment: experimentID)
        rememberRecordedKeys(entries.map { ExperimentKeyEntry(experimentID: experimentID, kind: $0.kind, key: $0.key) })
    }

    /// The distinct (kind, key) pairs of `batch` that the experiment's key summary lists.
    private static func summaryEntries(of batch: RunBatch) -> [(kind: KeyKind, key: String)] {
        var seen = Set<String>()
        var entries: [(kind: KeyKind, key: String)] = []
        func add(_ kind: KeyKind, _ keys: some Sequence<String>) {
            seen.removeAll(keepingCapacity: true)
            for key in keys where seen.insert(key).inserted { entries.append((kind, key)) }
        }
        add(.param, batch.params.lazy.map(\.key))
        add(.metric, batch.metrics.lazy.map(\.key))
        add(.tag, batch.tags.lazy.map(\.key))
        return entries
    }

    /// Remembers a committed run's experiment; the map starts over when it is full.
    private func remember(run runID: String, inExperiment experimentID: Int64) {
        runExperiments.withLock { cache in
            guard cache[runID] != experimentID else { return }
            if cache.count >= Limits.maxCachedRunExperiments { cache.removeAll(keepingCapacity: true) }
            cache[runID] = experimentID
        }
    }
}
