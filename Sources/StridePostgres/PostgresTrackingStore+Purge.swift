public import StrideDomain
public import StrideStore

/// `stride gc`'s removals. Each call is one short transaction; the row of the run or experiment it
/// removes is locked first (`FOR UPDATE`), so a restore through any instance either comes first (and
/// the purge finds a live row and leaves it) or waits until the purge has committed.
extension PostgresTrackingStore: PurgeStore {
    public func purgeableRuns(_ selection: PurgeableRunSelection, after cursor: String?, limit: Int) async throws -> [PurgeableRun] {
        let condition: SQL
        switch selection {
        case .deletedAtOrBefore(let time): condition = SQL("r.lifecycle_stage = 'deleted' AND r.deleted_time <= ?", time)
        case .ids(let ids): condition = SQL("r.run_uuid = ANY(?::text[])", [.texts(ids)])
        case .experiment(let id): condition = SQL("r.experiment_id = ?", id.value)
        }
        let statement = SQL(
            "SELECT r.run_uuid, r.experiment_id, r.artifact_uri, r.lifecycle_stage, r.deleted_time, p.name "
                + "FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id JOIN projects p ON p.project_id = e.project_id WHERE ")
            + condition + SQL(" AND r.run_uuid > ? ORDER BY r.run_uuid LIMIT ?", cursor ?? "", Int64(limit))
        return try await database.read { db in
            try await db.rows(statement).map { row in
                PurgeableRun(
                    id: row.text(0), experimentID: ExperimentID(row.int(1)), project: row.text(5), artifactURI: row.text(2),
                    stage: LifecycleStage(rawValue: row.text(3)) ?? .active, deletedTime: row.optionalInt(4))
            }
        }
    }

    public func purgeableExperiments(_ selection: PurgeableExperimentSelection) async throws -> [PurgeableExperiment] {
        let condition: SQL
        switch selection {
        case .deletedAtOrBefore(let time): condition = SQL("e.lifecycle_stage = 'deleted' AND e.last_update_time <= ?", time)
        case .ids(let ids): condition = SQL("e.experiment_id = ANY(?::int8[])", [.integers(ids.map(\.value))])
        }
        let statement = SQL(
            "SELECT e.experiment_id, e.artifact_location, e.lifecycle_stage, e.last_update_time, p.name "
                + "FROM experiments e JOIN projects p ON p.project_id = e.project_id WHERE ")
            + condition + SQL(" ORDER BY e.experiment_id")
        return try await database.read { db in
            try await db.rows(statement).map { row in
                PurgeableExperiment(
                    id: ExperimentID(row.int(0)), project: row.text(4), artifactLocation: row.text(1),
                    stage: LifecycleStage(rawValue: row.text(2)) ?? .active, lastUpdateTime: row.int(3))
            }
        }
    }

    public func purgeMetricPoints(runID: String, limit: Int) async throws -> Int {
        guard limit > 0 else { return 0 }
        return try await database.write { db in
            guard let pk = try await db.row(SQL(
                "SELECT run_pk FROM runs WHERE run_uuid = ? AND lifecycle_stage = 'deleted' FOR UPDATE", runID))?.int(0)
            else { return 0 }
            // The first `limit` rows of the run by their physical address: one walk of the run's index range.
            return try await db.execute(SQL(
                "DELETE FROM metrics WHERE ctid = ANY(ARRAY(SELECT ctid FROM metrics WHERE run_pk = ? LIMIT ?)) RETURNING 1", pk, Int64(limit)))
        }
    }

    public func purgeRuns(ids: [String]) async throws -> [String] {
        guard !ids.isEmpty else { return [] }
        return try await database.write { db in
            let rows = try await db.rows(SQL(
                "SELECT run_pk, run_uuid FROM runs WHERE run_uuid = ANY(?::text[]) AND lifecycle_stage = 'deleted' ORDER BY run_uuid FOR UPDATE",
                [.texts(ids)]))
            guard !rows.isEmpty else { return [] }
            let pks = SQLValue.integers(rows.map { $0.int(0) })
            for table in Self.runOwnedTables {
                try await db.execute(SQL("DELETE FROM \(table) WHERE run_pk = ANY(?::int8[])", [pks]))
            }
            return rows.map { $0.text(1) }
        }
    }

    public func purgeExperiment(id: ExperimentID) async throws -> Bool {
        // The traces go first, a few per transaction, as on SQLite: an experiment may hold millions of spans.
        let purgeable = try await database.snapshot { db in
            try await db.row(SQL(
                "SELECT 1 FROM experiments WHERE experiment_id = ? AND lifecycle_stage = ? AND NOT EXISTS (SELECT 1 FROM runs WHERE experiment_id = ?)",
                id.value, LifecycleStage.deleted.rawValue, id.value)) != nil
        }
        guard purgeable else { return false }
        while try await deleteTraces(experimentID: id, before: .max, limit: Limits.gcTracesPerTransaction) > 0 {}
        return try await database.write { db in
            guard let stage = try await db.row(SQL("SELECT lifecycle_stage FROM experiments WHERE experiment_id = ? FOR UPDATE", id.value))?.text(0),
                stage == LifecycleStage.deleted.rawValue,
                try await db.row(SQL("SELECT 1 FROM runs WHERE experiment_id = ? LIMIT 1", id.value)) == nil
            else { return false }
            // Any trace that arrived since the chunks above.
            try await db.execute(Self.deleteTracesStatement(selected: SQL("SELECT trace_pk FROM traces WHERE experiment_id = ?", id.value)))
            let models = "SELECT model_pk FROM logged_models WHERE experiment_id = ?"
            for table in ["logged_model_tags", "logged_model_params", "logged_model_metrics"] {
                try await db.execute(SQL("DELETE FROM \(table) WHERE model_pk IN (\(models))", id.value))
            }
            for table in ["logged_models", "experiment_tags", "experiment_keys", "datasets", "evaluation_dataset_experiments", "experiments"] {
                try await db.execute(SQL("DELETE FROM \(table) WHERE experiment_id = ?", id.value))
            }
            return true
        }
    }

    /// Every table with rows of one run, the run itself last.
    static let runOwnedTables = [
        "metrics", "metric_step_counts", "latest_metrics", "params", "run_tags", "run_inputs", "run_input_tags", "run_model_inputs", "run_outputs", "runs",
    ]
}
