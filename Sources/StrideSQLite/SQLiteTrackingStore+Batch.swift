import GRDB
import StrideDomain
public import StrideStore
import Synchronization

extension SQLiteTrackingStore {
    /// The ingest path: the whole batch is one transaction on the writer, with multi-row statements.
    public func logBatch(runID: String, _ batch: RunBatch) async throws {
        let knownKeys = metricKeyIDs.withLock { cache in cache }
        let summarized = recordedExperimentKeys.withLock { summary in summary }
        let rows = batch.metrics.count + batch.params.count + batch.tags.count + batch.modelMetrics.count
        let (newKeys, newSummary) = try await pool.write(rows: rows) { db -> ([String: Int64], [ExperimentKeyEntry]) in
            let run = try Self.requireRun(runID, in: db)
            try Self.requireActive(run, id: runID)
            var newSummary: [ExperimentKeyEntry] = []
            if !batch.params.isEmpty {
                try Self.insertParams(batch.params, runID: runID, runPK: run.pk, in: db)
                try Self.recordKeys(
                    batch.params.lazy.map(\.key), kind: .param, experimentID: run.experimentID, known: summarized, into: &newSummary, in: db)
            }
            var newKeys: [String: Int64] = [:]
            if !batch.metrics.isEmpty {
                newKeys = try Self.insertMetrics(batch.metrics, runPK: run.pk, knownKeys: knownKeys, in: db)
                try Self.recordKeys(
                    batch.metrics.lazy.map(\.key), kind: .metric, experimentID: run.experimentID, known: summarized, into: &newSummary, in: db)
            }
            if !batch.modelMetrics.isEmpty {
                try Self.insertModelMetrics(batch.modelMetrics, runID: runID, in: db)
            }
            if !batch.tags.isEmpty {
                try Self.upsertRunTags(batch.tags, runPK: run.pk, in: db)
                try Self.recordKeys(
                    batch.tags.lazy.map(\.key), kind: .tag, experimentID: run.experimentID, known: summarized, into: &newSummary, in: db)
            }
            if let name = batch.newRunName {
                try db.cachedStatement(sql: "UPDATE runs SET name = ? WHERE run_pk = ?").execute(arguments: [name, run.pk])
            }
            return (newKeys, newSummary)
        }
        if !newKeys.isEmpty {
            metricKeyIDs.withLock { cache in cache.merge(newKeys) { old, _ in old } }
        }
        rememberRecordedKeys(newSummary)
    }

    /// Inserts params that are new, accepts identical re-logs and rejects changed values.
    private static func insertParams(_ params: [Param], runID: String, runPK: Int64, in db: Database) throws {
        var logged: [String: String] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT key, value FROM params WHERE run_pk = ? AND key IN (SELECT value FROM json_each(?))"),
            arguments: [runPK, JSONText.array(params.map(\.key))])
        {
            logged[row.text("key")] = row.text("value")
        }
        var changes: [ParamValueConflict.Change] = []
        var values: [DatabaseValue] = []
        for param in params {
            if let old = logged[param.key] {
                if old != param.value { changes.append(.init(key: param.key, oldValue: old, newValue: param.value)) }
            } else {
                values += [runPK.databaseValue, param.key.databaseValue, param.value.databaseValue]
            }
        }
        guard changes.isEmpty else { throw ParamValueConflict(runID: runID, changes: changes) }
        try paramInsert.execute(values, in: db)
    }

    private static let paramInsert = MultiRowInsert(head: "INSERT INTO params (run_pk, key, value) VALUES", columns: 3)
    static let metricInsert = MultiRowInsert(
        head: "INSERT INTO metrics (run_pk, key_id, step, timestamp, value, is_nan) VALUES", tail: "ON CONFLICT DO NOTHING", columns: 6)
    /// The row comparison is the latest-metric rule of `Metric.isLater(than:)`: step, timestamp,
    /// value, and a number beats NaN on a tie.
    static let latestUpsert = MultiRowInsert(
        head: "INSERT INTO latest_metrics (run_pk, key_id, step, timestamp, value, is_nan) VALUES",
        tail: """
            ON CONFLICT (run_pk, key_id) DO UPDATE SET
                step = excluded.step, timestamp = excluded.timestamp, value = excluded.value, is_nan = excluded.is_nan
            WHERE (excluded.step, excluded.timestamp, excluded.value, -excluded.is_nan)
                > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value, -latest_metrics.is_nan)
            """,
        columns: 6)

    /// Inserts metric points (exact duplicates are ignored) and moves each key's latest row forward.
    /// Returns key ids created in this transaction, to cache once it commits.
    private static func insertMetrics(_ metrics: [Metric], runPK: Int64, knownKeys: [String: Int64], in db: Database) throws
        -> [String: Int64]
    {
        var keyIDs = knownKeys
        var missing = Set<String>()
        for metric in metrics where knownKeys[metric.key] == nil {
            missing.insert(metric.key)
        }
        var newKeys: [String: Int64] = [:]
        if !missing.isEmpty {
            newKeys = try resolveMetricKeys(Array(missing), in: db)
            keyIDs.merge(newKeys) { old, _ in old }
        }
        func keyID(of metric: Metric) throws -> Int64 {
            guard let keyID = keyIDs[metric.key] else { throw DatabaseError(resultCode: .SQLITE_INTERNAL, message: "a metric key has no id") }
            return keyID
        }
        let pointKeyIDs = try metrics.map(keyID(of:))
        func bind(_ metric: Metric, keyID: Int64, to values: inout StatementValues) {
            let stored = StoredMetricValue.encode(metric.value)
            values.append(runPK)
            values.append(keyID)
            values.append(metric.step)
            values.append(metric.timestamp)
            values.append(stored.value)
            values.append(stored.isNaN)
        }
        let inserted = try metricInsert.execute(rowCount: metrics.count, in: db) { row, values in
            bind(metrics[row], keyID: pointKeyIDs[row], to: &values)
        }
        try MetricStepCounts.record(
            inserted: zip(pointKeyIDs, metrics).map { ($0, $1.step) }, allNew: inserted == metrics.count, runPK: runPK, in: db)

        // One candidate per key, so the upsert touches each latest row once.
        let latest = Metric.latestPerKey(metrics)
        try latestUpsert.execute(rowCount: latest.count, in: db) { row, values in
            bind(latest[row], keyID: try keyID(of: latest[row]), to: &values)
        }
        return newKeys
    }

    /// Maps metric keys to ids, creating the missing ones.
    static func resolveMetricKeys(_ keys: [String], in db: Database) throws -> [String: Int64] {
        var resolved: [String: Int64] = [:]
        for chunk in keys.chunked(into: 500) {
            let arguments = StatementArguments(chunk)
            try db.execute(
                sql: "INSERT INTO metric_keys (key) VALUES \(valueRows(chunk.count, columns: 1)) ON CONFLICT DO NOTHING", arguments: arguments)
            for row in try Row.fetchAll(
                db, sql: "SELECT key_id, key FROM metric_keys WHERE key IN (\(placeholders(chunk.count)))", arguments: arguments)
            {
                resolved[row.text("key")] = row.int("key_id")
            }
        }
        return resolved
    }
}
