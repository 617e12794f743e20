import GRDB
public import StrideDomain
public import StrideStore

/// `stride gc`'s removals. Each call is one short write transaction, so the server's own writes
/// interleave with a long collection instead of waiting behind it.
extension SQLiteTrackingStore: PurgeStore {
    public func purgeableRuns(_ selection: PurgeableRunSelection, after cursor: String?, limit: Int) async throws -> [PurgeableRun] {
        let condition: String
        let argument: any DatabaseValueConvertible
        switch selection {
        case .deletedAtOrBefore(let time):
            condition = "r.lifecycle_stage = 'deleted' AND r.deleted_time <= ?"
            argument = time
        case .ids(let ids):
            condition = "r.run_uuid IN (SELECT value FROM json_each(?))"
            argument = JSONText.array(ids)
        case .experiment(let id):
            condition = "r.experiment_id = ?"
            argument = id.value
        }
        return try readNow { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.run_uuid, r.experiment_id, r.artifact_uri, r.lifecycle_stage, r.deleted_time, p.name AS project
                    FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id JOIN projects p ON p.project_id = e.project_id
                    WHERE \(condition) AND r.run_uuid > ? ORDER BY r.run_uuid LIMIT ?
                    """,
                arguments: [argument, cursor ?? "", limit]
            ).map { row in
                PurgeableRun(
                    id: row.text("run_uuid"), experimentID: ExperimentID(row.int("experiment_id")), project: row.text("project"),
                    artifactURI: row.text("artifact_uri"), stage: LifecycleStage(rawValue: row.text("lifecycle_stage")) ?? .active,
                    deletedTime: row["deleted_time"])
            }
        }
    }

    public func purgeableExperiments(_ selection: PurgeableExperimentSelection) async throws -> [PurgeableExperiment] {
        let condition: String
        let argument: any DatabaseValueConvertible
        switch selection {
        case .deletedAtOrBefore(let time):
            condition = "e.lifecycle_stage = 'deleted' AND e.last_update_time <= ?"
            argument = time
        case .ids(let ids):
            condition = "e.experiment_id IN (SELECT value FROM json_each(?))"
            argument = "[" + ids.map { String($0.value) }.joined(separator: ",") + "]"
        }
        return try readNow { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.experiment_id, e.artifact_location, e.lifecycle_stage, e.last_update_time, p.name AS project
                    FROM experiments e JOIN projects p ON p.project_id = e.project_id
                    WHERE \(condition) ORDER BY e.experiment_id
                    """,
                arguments: [argument]
            ).map { row in
                PurgeableExperiment(
                    id: ExperimentID(row.int("experiment_id")), project: row.text("project"), artifactLocation: row.text("artifact_location"),
                    stage: LifecycleStage(rawValue: row.text("lifecycle_stage")) ?? .active, lastUpdateTime: row.int("last_update_time"))
            }
        }
    }

    public func purgeMetricPoints(runID: String, limit: Int) async throws -> Int {
        try await pool.write { db in
            guard limit > 0,
                let pk = try Int64.fetchOne(
                    db, sql: "SELECT run_pk FROM runs WHERE run_uuid = ? AND lifecycle_stage = 'deleted'", arguments: [runID])
            else { return 0 }
            // The limit-th point in primary-key order bounds a range delete, which walks the index
            // once; deleting "the first n rows" through a subquery would rescan the run per batch.
            if let boundary = try Row.fetchOne(
                db,
                sql: "SELECT key_id, step, timestamp FROM metrics WHERE run_pk = ? ORDER BY key_id, step, timestamp LIMIT 1 OFFSET ?",
                arguments: [pk, limit - 1])
            {
                try db.execute(
                    sql: "DELETE FROM metrics WHERE run_pk = ? AND (key_id, step, timestamp) <= (?, ?, ?)",
                    arguments: [pk, boundary.int("key_id"), boundary.int("step"), boundary.int("timestamp")])
            } else {
                try db.execute(sql: "DELETE FROM metrics WHERE run_pk = ?", arguments: [pk])
            }
            return db.changesCount
        }
    }

    public func purgeRuns(ids: [String]) async throws -> [String] {
        guard !ids.isEmpty else { return [] }
        return try await pool.write { db in
            try db.execute(sql: "DROP TABLE IF EXISTS temp.purged_runs")
            try db.execute(
                sql: """
                    CREATE TEMP TABLE purged_runs AS
                    SELECT run_pk, run_uuid FROM runs WHERE run_uuid IN (SELECT value FROM json_each(?)) AND lifecycle_stage = 'deleted'
                    """,
                arguments: [JSONText.array(ids)])
            let purged = try String.fetchAll(db, sql: "SELECT run_uuid FROM temp.purged_runs ORDER BY run_uuid")
            for table in Self.runOwnedTables {
                try db.execute(sql: "DELETE FROM \(table) WHERE run_pk IN (SELECT run_pk FROM temp.purged_runs)")
            }
            try db.execute(sql: "DROP TABLE temp.purged_runs")
            return purged
        }
    }

    public func purgeExperiment(id: ExperimentID) async throws -> Bool {
        guard try readNow({ db in try Self.isPurgeable(id, in: db) }) else { return false }
        // The traces go first, a few per transaction: an experiment may hold millions of spans, and
        // the writer is shared with the running server. They must go: SQLite hands a purged
        // experiment's id to the next experiment created, which would otherwise inherit them.
        while try await deleteTraces(experimentID: id, before: .max, limit: Limits.gcTracesPerTransaction) > 0 {}
        return try await pool.write { db in
            guard try Self.isPurgeable(id, in: db) else { return false }
            // Any trace that arrived since the chunks above.
            try Self.deleteTraceRows(Int64.fetchAll(db, sql: "SELECT trace_pk FROM traces WHERE experiment_id = ?", arguments: [id.value]), in: db)
            let models = "SELECT model_pk FROM logged_models WHERE experiment_id = ?"
            for table in ["logged_model_tags", "logged_model_params", "logged_model_metrics"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE model_pk IN (\(models))", arguments: [id.value])
            }
            for table in ["logged_models", "experiment_tags", "experiment_keys", "datasets", "evaluation_dataset_experiments", "experiments"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE experiment_id = ?", arguments: [id.value])
            }
            return true
        }
    }

    /// Whether the experiment is deleted and has no runs left, so gc may remove it.
    private static func isPurgeable(_ id: ExperimentID, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT lifecycle_stage = 'deleted' AND NOT EXISTS (SELECT 1 FROM runs WHERE experiment_id = ?)
                FROM experiments WHERE experiment_id = ?
                """,
            arguments: [id.value, id.value]) == true
    }

    /// Every table with rows of one run, the run itself last.
    static let runOwnedTables = [
        "metrics", "metric_step_counts", "latest_metrics", "params", "run_tags", "run_inputs", "run_input_tags", "run_model_inputs",
        "run_outputs", "runs",
    ]
}
