import SQLiteNIO
import Synchronization
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore {
    /// The metric ingest path: the whole batch is one transaction with multi-row statements
    /// (a per-row insert through sqlite-nio costs one thread hop and one prepare per row, ~10x slower).
    public func logBatch(runID: String, _ batch: RunBatch) async throws {
        let newKeys = try await database.write { connection -> [String: Int64] in
            let run = try await self.requireRun(runID, on: connection)
            try Self.requireActive(run, id: runID)
            if !batch.params.isEmpty {
                try await self.insertParams(batch.params, runID: runID, runPK: run.pk, on: connection)
            }
            var resolvedKeys: [String: Int64] = [:]
            if !batch.metrics.isEmpty {
                resolvedKeys = try await self.insertMetrics(batch.metrics, runPK: run.pk, on: connection)
            }
            if !batch.tags.isEmpty {
                try await self.upsertRunTags(batch.tags, runPK: run.pk, on: connection)
            }
            if let name = batch.newRunName {
                try await connection.execute("UPDATE runs SET name = ? WHERE run_pk = ?", [.text(name), .integer(Int(run.pk))])
            }
            return resolvedKeys
        }
        if !newKeys.isEmpty {
            metricKeyIDs.withLock { cache in cache.merge(newKeys) { old, _ in old } }
        }
    }

    /// Inserts params that are new, accepts identical re-logs and rejects changed values.
    private func insertParams(_ params: [Param], runID: String, runPK: Int64, on connection: SQLiteConnection) async throws {
        let keys = params.map { SQLiteData.text($0.key) }
        let existing = try await connection.query(
            "SELECT key, value FROM params WHERE run_pk = ? AND key IN (\([SQLiteData].placeholders(keys.count)))",
            [.integer(Int(runPK))] + keys)
        var logged: [String: String] = [:]
        for row in existing {
            logged[try row.text("key")] = try row.text("value")
        }
        var changes: [ParamValueConflict.Change] = []
        var fresh: [Param] = []
        for param in params {
            if let old = logged[param.key] {
                if old != param.value { changes.append(.init(key: param.key, oldValue: old, newValue: param.value)) }
            } else {
                fresh.append(param)
            }
        }
        guard changes.isEmpty else { throw ParamValueConflict(runID: runID, changes: changes) }
        guard !fresh.isEmpty else { return }
        var binds: [SQLiteData] = []
        for param in fresh {
            binds += [.integer(Int(runPK)), .text(param.key), .text(param.value)]
        }
        let rows = Array(repeating: "(?, ?, ?)", count: fresh.count).joined(separator: ", ")
        try await connection.execute("INSERT INTO params (run_pk, key, value) VALUES \(rows)", binds)
    }

    /// Inserts metric points (exact duplicates are ignored) and moves each key's latest row forward.
    /// Returns key ids created or first seen in this transaction, to cache after commit.
    private func insertMetrics(_ metrics: [Metric], runPK: Int64, on connection: SQLiteConnection) async throws -> [String: Int64] {
        let (keyIDs, discovered) = try await resolveMetricKeys(Set(metrics.map(\.key)), on: connection)
        let run = SQLiteData.integer(Int(runPK))
        for chunk in metrics.chunked(into: 500) {
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * 6)
            for metric in chunk {
                let stored = StoredMetricValue.encode(metric.value)
                binds += [run, .integer(Int(keyIDs[metric.key]!)), .integer(Int(metric.step)), .integer(Int(metric.timestamp)),
                          .float(stored.value), .integer(stored.isNaN)]
            }
            let rows = Array(repeating: "(?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
            try await connection.execute(
                "INSERT INTO metrics (run_pk, key_id, step, timestamp, value, is_nan) VALUES \(rows) ON CONFLICT DO NOTHING", binds)
        }

        // Reduce to one candidate per key first, so the upsert touches each latest row once.
        let latest = Metric.latestPerKey(metrics)
        var binds: [SQLiteData] = []
        binds.reserveCapacity(latest.count * 6)
        for metric in latest {
            let stored = StoredMetricValue.encode(metric.value)
            binds += [run, .integer(Int(keyIDs[metric.key]!)), .integer(Int(metric.step)), .integer(Int(metric.timestamp)),
                      .float(stored.value), .integer(stored.isNaN)]
        }
        let rows = Array(repeating: "(?, ?, ?, ?, ?, ?)", count: latest.count).joined(separator: ", ")
        // The row comparison is the latest-metric rule of `Metric.isLater(than:)`: step, timestamp,
        // value, and a number beats NaN on a tie.
        try await connection.execute(
            """
            INSERT INTO latest_metrics (run_pk, key_id, step, timestamp, value, is_nan) VALUES \(rows)
            ON CONFLICT (run_pk, key_id) DO UPDATE SET
                step = excluded.step, timestamp = excluded.timestamp, value = excluded.value, is_nan = excluded.is_nan
            WHERE (excluded.step, excluded.timestamp, excluded.value, -excluded.is_nan)
                > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value, -latest_metrics.is_nan)
            """, binds)
        return discovered
    }

    /// Maps metric keys to ids, creating missing ones.
    private func resolveMetricKeys(_ keys: Set<String>, on connection: SQLiteConnection) async throws
        -> (all: [String: Int64], discovered: [String: Int64])
    {
        var resolved: [String: Int64] = [:]
        let missing: [String] = metricKeyIDs.withLock { cache in
            keys.filter { key in
                if let id = cache[key] {
                    resolved[key] = id
                    return false
                }
                return true
            }
        }
        guard !missing.isEmpty else { return (resolved, [:]) }
        var discovered: [String: Int64] = [:]
        for chunk in missing.chunked(into: 500) {
            let binds = chunk.map { SQLiteData.text($0) }
            let values = Array(repeating: "(?)", count: chunk.count).joined(separator: ", ")
            try await connection.execute("INSERT INTO metric_keys (key) VALUES \(values) ON CONFLICT DO NOTHING", binds)
            let rows = try await connection.query(
                "SELECT key_id, key FROM metric_keys WHERE key IN (\([SQLiteData].placeholders(chunk.count)))", binds)
            for row in rows {
                discovered[try row.text("key")] = try row.int("key_id")
            }
        }
        resolved.merge(discovered) { old, _ in old }
        return (resolved, discovered)
    }
}
