public import StrideDomain
public import StrideStore

extension PostgresTrackingStore {
    public func experimentSummaries(project: String, nameContains: String, viewType: ViewType, limit: Int) async throws
        -> [ExperimentSummary]
    {
        try await database.read { db in
            try await db.rows(SQL(
                """
                SELECT experiment_id, name, lifecycle_stage, creation_time, last_update_time, run_count, last_run_start FROM (
                    SELECT e.experiment_id, e.name, e.lifecycle_stage, e.creation_time, e.last_update_time,
                        (SELECT COUNT(*) FROM runs r WHERE r.experiment_id = e.experiment_id AND r.lifecycle_stage = e.lifecycle_stage) AS run_count,
                        (SELECT MAX(r.start_time) FROM runs r WHERE r.experiment_id = e.experiment_id) AS last_run_start
                    FROM experiments e JOIN projects p ON p.project_id = e.project_id
                    WHERE p.name = ? AND (? = 'ALL' OR e.lifecycle_stage = ?) AND strpos(lower(e.name), lower(?)) > 0
                ) summaries
                ORDER BY GREATEST(last_update_time, COALESCE(last_run_start, 0)) DESC, experiment_id DESC
                LIMIT ?
                """,
                project, viewType.rawValue, Self.stage(of: viewType), nameContains, limit)
            ).map { row in
                ExperimentSummary(
                    id: ExperimentID(row.int(0)), name: row.text(1), lifecycleStage: LifecycleStage(rawValue: row.text(2)) ?? .active,
                    creationTime: row.int(3), lastUpdateTime: row.int(4), runCount: Int(row.int(5)), lastRunStartTime: row.optionalInt(6))
            }
        }
    }

    public func runs(ids: [String]) async throws -> [Run] {
        guard !ids.isEmpty else { return [] }
        let loaded = try await database.read { db in
            try await Self.loadRuns(db.rows(SQL(Self.runSelect + " WHERE run_uuid = ANY(?::text[])", [.texts(ids)])), in: db)
        }
        let byID = Dictionary(loaded.map { ($0.info.runID, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }

    public func childRuns(of parentRunID: String, limit: Int) async throws -> [RunInfo] {
        try await database.read { db in
            // `run_tags_by_value` finds the children directly; a run search would walk runs in order.
            try await db.rows(SQL(
                Self.runSelect + """
                 WHERE run_pk IN (SELECT run_pk FROM run_tags WHERE key = ? AND value = ?)
                  AND experiment_id IN (SELECT experiment_id FROM experiments WHERE project_id =
                      (SELECT e.project_id FROM runs r JOIN experiments e USING (experiment_id) WHERE r.run_uuid = ?))
                ORDER BY start_time NULLS FIRST, run_uuid LIMIT ?
                """,
                ReservedTag.parentRunID, parentRunID, parentRunID, limit)
            ).map(Self.runInfo(from:))
        }
    }

    public func metricRanges(runIDs: [String], keys: [String]) async throws -> [MetricRange] {
        guard !runIDs.isEmpty, !keys.isEmpty else { return [] }
        return try await database.read { db in
            try await db.rows(SQL(
                """
                SELECT r.run_uuid, k.key, MIN(CASE WHEN m.is_nan = 0 THEN m.value END), MAX(CASE WHEN m.is_nan = 0 THEN m.value END)
                FROM runs r CROSS JOIN metric_keys k JOIN metrics m ON m.run_pk = r.run_pk AND m.key_id = k.key_id
                WHERE r.run_uuid = ANY(?::text[]) AND k.key = ANY(?::text[])
                GROUP BY r.run_pk, r.run_uuid, k.key_id, k.key
                """,
                [.texts(runIDs), .texts(keys)])
            ).map { row in
                MetricRange(runID: row.text(0), key: row.text(1), min: row[2].isNull ? nil : row.double(2), max: row[3].isNull ? nil : row.double(3))
            }
        }
    }

    public func metricValues(atStep step: Int64, runIDs: [String], keys: [String]) async throws -> [RunMetric] {
        guard !runIDs.isEmpty, !keys.isEmpty else { return [] }
        return try await database.read { db in
            // The step's last point per run and key, as the SQLite store picks it (the first of equal timestamps).
            try await db.rows(SQL(
                """
                SELECT DISTINCT ON (r.run_pk, k.key_id) r.run_uuid, k.key, m.timestamp, m.value, m.is_nan
                FROM runs r CROSS JOIN metric_keys k JOIN metrics m ON m.run_pk = r.run_pk AND m.key_id = k.key_id AND m.step = ?
                WHERE r.run_uuid = ANY(?::text[]) AND k.key = ANY(?::text[])
                ORDER BY r.run_pk, k.key_id, m.timestamp DESC, m.value, m.is_nan
                """,
                [.integer(step), .texts(runIDs), .texts(keys)])
            ).map { row in
                RunMetric(
                    runID: row.text(0),
                    metric: Metric(key: row.text(1), value: StoredMetricValue.decode(value: row.double(3), isNaN: row.int(4)), timestamp: row.int(2), step: step))
            }
        }
    }

    private static func stage(of viewType: ViewType) -> String {
        viewType == .deletedOnly ? LifecycleStage.deleted.rawValue : LifecycleStage.active.rawValue
    }
}
