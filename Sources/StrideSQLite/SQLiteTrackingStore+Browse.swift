import GRDB
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore {
    public func experimentSummaries(project: String, nameContains: String, viewType: ViewType, limit: Int) async throws
        -> [ExperimentSummary]
    {
        try readNow { db in
            // Both subqueries walk `runs_by_experiment` for one experiment; the count also reads each
            // run's stage, which the index does not hold.
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT e.experiment_id, e.name, e.lifecycle_stage, e.creation_time, e.last_update_time,
                        (SELECT COUNT(*) FROM runs r WHERE r.experiment_id = e.experiment_id AND r.lifecycle_stage = e.lifecycle_stage),
                        (SELECT MAX(r.start_time) FROM runs r WHERE r.experiment_id = e.experiment_id) AS last_run_start
                    FROM experiments e JOIN projects p ON p.project_id = e.project_id
                    WHERE p.name = ? AND (? = 'ALL' OR e.lifecycle_stage = ?) AND instr(lower(e.name), lower(?)) > 0
                    ORDER BY MAX(e.last_update_time, IFNULL(last_run_start, 0)) DESC, e.experiment_id DESC
                    LIMIT ?
                    """),
                arguments: [project, viewType.rawValue, Self.stage(of: viewType), nameContains, limit])
            return rows.map { row in
                ExperimentSummary(
                    id: ExperimentID(row[0] as Int64), name: row[1], lifecycleStage: LifecycleStage(rawValue: row[2] as String) ?? .active,
                    creationTime: row[3], lastUpdateTime: row[4], runCount: row[5], lastRunStartTime: row[6])
            }
        }
    }

    public func runs(ids: [String]) async throws -> [Run] {
        guard !ids.isEmpty else { return [] }
        let loaded = try readNow { db in
            try Self.loadRuns(
                Row.fetchAll(db.cachedStatement(sql: Self.runSelect + " WHERE run_uuid IN (SELECT value FROM json_each(?))"), arguments: [JSONText.array(ids)]),
                in: db)
        }
        let byID = Dictionary(loaded.map { ($0.info.runID, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }

    public func childRuns(of parentRunID: String, limit: Int) async throws -> [RunInfo] {
        try readNow { db in
            // `run_tags_by_value` finds the children directly; a run search would walk runs in order.
            try Row.fetchAll(
                db.cachedStatement(sql: Self.runSelect + """
                     WHERE run_pk IN (SELECT run_pk FROM run_tags WHERE key = ? AND value = ?)
                      AND experiment_id IN (SELECT experiment_id FROM experiments WHERE project_id =
                          (SELECT e.project_id FROM runs r JOIN experiments e USING (experiment_id) WHERE r.run_uuid = ?))
                    ORDER BY start_time, run_uuid LIMIT ?
                    """),
                arguments: [ReservedTag.parentRunID, parentRunID, parentRunID, limit]
            ).map(Self.runInfo(from:))
        }
    }

    public func metricRanges(runIDs: [String], keys: [String]) async throws -> [MetricRange] {
        guard !runIDs.isEmpty, !keys.isEmpty else { return [] }
        return try readNow { db in
            // A (run, key) prefix of the metrics primary key: one range scan per pair.
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: """
                    SELECT r.run_uuid, k.key, MIN(CASE WHEN m.is_nan = 0 THEN m.value END), MAX(CASE WHEN m.is_nan = 0 THEN m.value END)
                    FROM runs r CROSS JOIN metric_keys k CROSS JOIN metrics m ON m.run_pk = r.run_pk AND m.key_id = k.key_id
                    WHERE r.run_uuid IN (SELECT value FROM json_each(?)) AND k.key IN (SELECT value FROM json_each(?))
                    GROUP BY r.run_pk, k.key_id
                    """),
                arguments: [JSONText.array(runIDs), JSONText.array(keys)])
            var ranges: [MetricRange] = []
            while let row = try rows.next() {
                ranges.append(MetricRange(runID: row[0], key: row[1], min: row[2], max: row[3]))
            }
            return ranges
        }
    }

    public func metricValues(atStep step: Int64, runIDs: [String], keys: [String]) async throws -> [RunMetric] {
        guard !runIDs.isEmpty, !keys.isEmpty else { return [] }
        return try readNow { db in
            // SQLite returns the bare columns of the row holding MAX(timestamp): the step's last point.
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: """
                    SELECT r.run_uuid, k.key, MAX(m.timestamp), m.value, m.is_nan
                    FROM runs r CROSS JOIN metric_keys k CROSS JOIN metrics m ON m.run_pk = r.run_pk AND m.key_id = k.key_id AND m.step = ?
                    WHERE r.run_uuid IN (SELECT value FROM json_each(?)) AND k.key IN (SELECT value FROM json_each(?))
                    GROUP BY r.run_pk, k.key_id
                    """),
                arguments: [step, JSONText.array(runIDs), JSONText.array(keys)])
            var values: [RunMetric] = []
            while let row = try rows.next() {
                values.append(RunMetric(
                    runID: row[0],
                    metric: Metric(key: row[1], value: StoredMetricValue.decode(value: row[3], isNaN: row[4]), timestamp: row[2], step: step)))
            }
            return values
        }
    }

    private static func stage(of viewType: ViewType) -> String {
        viewType == .deletedOnly ? LifecycleStage.deleted.rawValue : LifecycleStage.active.rawValue
    }
}
