import Synchronization
public import StrideDomain
public import StrideStore

/// `stride import`'s tracking writes: one transaction per call, and per table one statement for
/// every run of the call, its columns bound as arrays (`UNNEST`); every row is inserted only when
/// missing (`ON CONFLICT DO NOTHING`), so a second import adds nothing and an interrupted one resumes.
extension PostgresTrackingStore: ImportStore {
    /// Autovacuum analyzes a table only after it notices the load, which after a bulk import can be
    /// minutes; until then a search over 100,000 imported runs was planned as if the tables were empty
    /// and took seconds instead of milliseconds (docs/performance.md).
    /// Only Stride's own tables: a bare `ANALYZE` run by a superuser also analyzes the catalogs
    /// shared by every database of the cluster, and waits for other databases' `CREATE DATABASE`.
    public func importFinished() async throws {
        _ = try await database.read { db in
            let tables = try await db.row(SQL(
                "SELECT string_agg(quote_ident(tablename), ', ' ORDER BY tablename) FROM pg_tables WHERE schemaname = current_schema()"))
            guard let tables = tables?.optionalText(0) else { return 0 }
            return try await db.execute(SQL("ANALYZE " + tables))
        }
    }

    public func importExperiment(_ experiment: ImportedExperiment, project: String) async throws
        -> (id: ExperimentID, artifactLocation: String, created: Bool)
    {
        try await database.write { db in
            let projectID = try await Self.projectID(named: project, in: db)
            if let existing = try await db.row(SQL(
                "SELECT experiment_id, artifact_location FROM experiments WHERE project_id = ? AND name = ?", projectID, experiment.name))
            {
                try await Self.insertMissingExperimentTags(experiment.tags, experimentID: existing.int(0), in: db)
                return (ExperimentID(existing.int(0)), existing.text(1), false)
            }
            let preferred = experiment.preferredID.value
            let idTaken = try await db.row(SQL("SELECT 1 FROM experiments WHERE experiment_id = ?", preferred)) != nil
            let columns = "project_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time"
            let values: [SQLValue] = [
                .integer(projectID), .text(experiment.name), .text(""), .text(experiment.lifecycleStage.rawValue),
                .integer(experiment.creationTime), .integer(experiment.lastUpdateTime),
            ]
            let inserted = idTaken
                ? try await db.row(SQL("INSERT INTO experiments (\(columns)) VALUES (\(placeholders(6))) RETURNING experiment_id", values))
                : try await db.row(SQL(
                    "INSERT INTO experiments (experiment_id, \(columns)) VALUES (\(placeholders(7))) RETURNING experiment_id",
                    [.integer(preferred)] + values))
            let id = ExperimentID(inserted?.int(0) ?? 0)
            if !idTaken {
                // An id given explicitly does not move the identity sequence: move it past the id, as
                // SQLite's next id follows the largest, so experiments created later never collide with it.
                try await db.execute(SQL(
                    """
                    SELECT setval(pg_get_serial_sequence('experiments', 'experiment_id'), ?)
                    WHERE ? >= (SELECT last_value FROM experiments_experiment_id_seq)
                    """,
                    preferred, preferred))
            }
            let location = experiment.artifactLocation(id)
            try await db.execute(SQL("UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?", location, id.value))
            try await Self.insertMissingExperimentTags(experiment.tags, experimentID: id.value, in: db)
            return (id, location, true)
        }
    }

    public func storedRunContents(runIDs: [String]) async throws -> [String: StoredRun] {
        guard !runIDs.isEmpty else { return [:] }
        return try await database.read { db in
            var stored: [String: StoredRun] = [:]
            // One statement: each stored run with the size of each of its parts.
            for row in try await db.rows(SQL(
                """
                SELECT r.run_uuid, r.experiment_id,
                       (SELECT count(*) FROM params WHERE run_pk = r.run_pk),
                       (SELECT count(*) FROM run_tags WHERE run_pk = r.run_pk),
                       (SELECT count(*) FROM metrics WHERE run_pk = r.run_pk),
                       (SELECT count(*) FROM run_inputs WHERE run_pk = r.run_pk),
                       (SELECT count(*) FROM run_outputs WHERE run_pk = r.run_pk)
                FROM runs r WHERE r.run_uuid = ANY(?::text[])
                """,
                [.texts(runIDs)]))
            {
                let contents = RunContents(
                    params: Int(row.int(2)), tags: Int(row.int(3)), metricPoints: Int(row.int(4)), inputs: Int(row.int(5)),
                    outputs: Int(row.int(6)))
                stored[row.text(0)] = StoredRun(experimentID: ExperimentID(row.int(1)), contents: contents)
            }
            return stored
        }
    }

    public func importRuns(_ runs: [ImportedRun]) async throws {
        guard !runs.isEmpty else { return }
        let knownKeys = metricKeyIDs.withLock { cache in cache }
        let summarized = recordedExperimentKeys.withLock { summary in summary }
        let (newKeys, newSummary) = try await database.write { db -> ([String: Int64], [ExperimentKeyEntry]) in
            var missingKeys = Set<String>()
            for run in runs {
                for metric in run.metrics where knownKeys[metric.key] == nil { missingKeys.insert(metric.key) }
                for metric in run.latestMetrics where knownKeys[metric.key] == nil { missingKeys.insert(metric.key) }
            }
            let newKeys = missingKeys.isEmpty ? [:] : try await Self.resolveMetricKeys(missingKeys.sorted(), in: db)
            let keyIDs = knownKeys.merging(newKeys) { old, _ in old }
            let runPKs = try await Self.insertMissingRuns(runs, in: db)
            try await Self.insertMissingRows(of: runs, runPKs: runPKs, keyIDs: keyIDs, in: db)
            var newSummary: [ExperimentKeyEntry] = []
            for run in runs {
                let experimentID = run.info.experimentID
                try await Self.recordKeys(run.params.map(\.key), kind: .param, experimentID: experimentID, known: summarized, into: &newSummary, in: db)
                try await Self.recordKeys(
                    Set(run.latestMetrics.map(\.key)).union(run.metrics.lazy.map(\.key)).sorted(), kind: .metric, experimentID: experimentID,
                    known: summarized, into: &newSummary, in: db)
                try await Self.recordKeys(run.tags.map(\.key), kind: .tag, experimentID: experimentID, known: summarized, into: &newSummary, in: db)
            }
            return (newKeys, newSummary)
        }
        if !newKeys.isEmpty {
            metricKeyIDs.withLock { cache in cache.merge(newKeys) { old, _ in old } }
        }
        rememberRecordedKeys(newSummary)
    }

    // MARK: Helpers

    private static func insertMissingExperimentTags(_ tags: [Tag], experimentID: Int64, in db: Session) async throws {
        guard !tags.isEmpty else { return }
        try await db.execute(SQL(
            "INSERT INTO experiment_tags (experiment_id, key, value) SELECT ?, * FROM UNNEST(?::text[], ?::text[]) ON CONFLICT DO NOTHING",
            [.integer(experimentID), .texts(tags.map(\.key)), .texts(tags.map(\.value))]))
    }

    /// Inserts the runs that are new, with the source's status, times and stage, and returns the
    /// key of every run of `runs` (new or stored before).
    private static func insertMissingRuns(_ runs: [ImportedRun], in db: Session) async throws -> [String: Int64] {
        var ids: [String] = [], experiments: [Int64] = [], names: [String] = [], users: [String] = [], statuses: [Int64] = []
        var starts: [Int64] = [], ends: [Int64] = [], hasEnd: [Int64] = [], uris: [String] = [], stages: [String] = []
        var deletedTimes: [Int64] = [], hasDeletedTime: [Int64] = []
        for run in runs {
            let info = run.info
            ids.append(info.runID)
            experiments.append(info.experimentID.value)
            names.append(info.runName)
            users.append(info.userID)
            statuses.append(Int64(info.status.number))
            starts.append(info.startTime ?? 0)
            ends.append(info.endTime ?? 0)
            hasEnd.append(info.endTime == nil ? 0 : 1)
            uris.append(info.artifactURI)
            stages.append(info.lifecycleStage.rawValue)
            deletedTimes.append(run.deletedTime ?? 0)
            hasDeletedTime.append(run.deletedTime == nil ? 0 : 1)
        }
        // Arrays cannot carry NULL here, so a flag per optional column says which values are absent.
        try await db.execute(SQL(
            """
            INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage, deleted_time)
            SELECT id, experiment, name, user_id, status, start_time, CASE WHEN has_end = 1 THEN end_time END, uri, stage,
                   CASE WHEN has_deleted = 1 THEN deleted_time END
            FROM UNNEST(?::text[], ?::int8[], ?::text[], ?::text[], ?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::text[], ?::text[],
                        ?::int8[], ?::int8[])
                AS u (id, experiment, name, user_id, status, start_time, end_time, has_end, uri, stage, deleted_time, has_deleted)
            ON CONFLICT (run_uuid) DO NOTHING
            """,
            [.texts(ids), .integers(experiments), .texts(names), .texts(users), .integers(statuses), .integers(starts), .integers(ends),
             .integers(hasEnd), .texts(uris), .texts(stages), .integers(deletedTimes), .integers(hasDeletedTime)]))
        var pks: [String: Int64] = [:]
        for row in try await db.rows(SQL("SELECT run_uuid, run_pk FROM runs WHERE run_uuid = ANY(?::text[])", [.texts(ids)])) {
            pks[row.text(0)] = row.int(1)
        }
        return pks
    }

    private static func insertMissingRows(of runs: [ImportedRun], runPKs: [String: Int64], keyIDs: [String: Int64], in db: Session) async throws {
        var params = KeyValueColumns(), tags = KeyValueColumns()
        var points = MetricColumns(), latest = MetricColumns()
        var outputs: (pks: [Int64], models: [String], steps: [Int64]) = ([], [], [])
        var latestPerRun: [Int64: [Metric]] = [:]
        for run in runs {
            guard let pk = runPKs[run.info.runID] else { throw StoreError.notFound(.run(id: run.info.runID)) }
            for param in run.params { params.append(pk, param.key, param.value) }
            for tag in run.tags { tags.append(pk, tag.key, tag.value) }
            for metric in run.metrics { if let keyID = keyIDs[metric.key] { points.append(pk, keyID, metric) } }
            latestPerRun[pk, default: []] += run.latestMetrics
            for output in run.outputs {
                outputs.pks.append(pk)
                outputs.models.append(output.modelID)
                outputs.steps.append(output.step)
            }
        }
        // One candidate per run and key, so the upsert touches each latest row once.
        for (pk, metrics) in latestPerRun {
            for metric in Metric.latestPerKey(metrics) { if let keyID = keyIDs[metric.key] { latest.append(pk, keyID, metric) } }
        }
        if !params.isEmpty {
            try await db.execute(SQL(
                "INSERT INTO params (run_pk, key, value) SELECT * FROM UNNEST(?::int8[], ?::text[], ?::text[]) ON CONFLICT DO NOTHING",
                params.values))
        }
        if !tags.isEmpty {
            try await db.execute(SQL(
                "INSERT INTO run_tags (run_pk, key, value) SELECT * FROM UNNEST(?::int8[], ?::text[], ?::text[]) ON CONFLICT DO NOTHING",
                tags.values))
        }
        let arrays = "UNNEST(?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::float8[], ?::int8[])"
        if !points.isEmpty {
            points.sortInKeyOrder()
            try await db.execute(SQL(
                """
                WITH points AS (
                    INSERT INTO metrics (run_pk, key_id, step, timestamp, value, is_nan) SELECT * FROM \(arrays) ON CONFLICT DO NOTHING
                    \(Self.insertedPointsReturning)
                )
                \(Self.stepCountsUpsert(from: "points"))
                """,
                points.values))
        }
        if !latest.isEmpty {
            try await db.execute(SQL(
                """
                INSERT INTO latest_metrics AS l (run_pk, key_id, step, timestamp, value, is_nan) SELECT * FROM \(arrays)
                ON CONFLICT (run_pk, key_id) DO UPDATE SET
                    step = excluded.step, timestamp = excluded.timestamp, value = excluded.value, is_nan = excluded.is_nan
                WHERE (excluded.step, excluded.timestamp, excluded.value, -excluded.is_nan) > (l.step, l.timestamp, l.value, -l.is_nan)
                """,
                latest.values))
        }
        if !outputs.pks.isEmpty {
            try await db.execute(SQL(
                "INSERT INTO run_outputs (run_pk, model_id, step) SELECT * FROM UNNEST(?::int8[], ?::text[], ?::int8[]) ON CONFLICT DO NOTHING",
                [.integers(outputs.pks), .texts(outputs.models), .integers(outputs.steps)]))
        }
        for run in runs where !run.inputs.isEmpty {
            guard let pk = runPKs[run.info.runID] else { continue }
            try await insertMissingInputs(run.inputs, runPK: pk, experimentID: run.info.experimentID, in: db)
        }
    }

    /// Dataset inputs are few per run: a statement each, as log-inputs writes them.
    private static func insertMissingInputs(_ inputs: [DatasetInput], runPK: Int64, experimentID: ExperimentID, in db: Session) async throws {
        for input in inputs {
            let dataset = input.dataset
            try await db.execute(SQL(
                """
                INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (experiment_id, name, digest) DO NOTHING
                """,
                experimentID.value, dataset.name, dataset.digest, dataset.sourceType, dataset.source, dataset.schema, dataset.profile))
            guard let datasetPK = try await db.row(SQL(
                "SELECT dataset_pk FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?", experimentID.value, dataset.name, dataset.digest))?
                .int(0)
            else { continue }
            try await db.execute(SQL("INSERT INTO run_inputs (run_pk, dataset_pk) VALUES (?, ?) ON CONFLICT DO NOTHING", runPK, datasetPK))
            guard !input.tags.isEmpty else { continue }
            try await db.execute(SQL(
                "INSERT INTO run_input_tags (run_pk, dataset_pk, key, value) SELECT ?, ?, * FROM UNNEST(?::text[], ?::text[]) ON CONFLICT DO NOTHING",
                [.integer(runPK), .integer(datasetPK), .texts(input.tags.map(\.key)), .texts(input.tags.map(\.value))]))
        }
    }
}

/// Rows of a (run, key, value) table as the three arrays an `UNNEST` insert binds.
private struct KeyValueColumns {
    private var pks: [Int64] = [], keys: [String] = [], texts: [String] = []

    var isEmpty: Bool { pks.isEmpty }
    var values: [SQLValue] { [.integers(pks), .texts(keys), .texts(texts)] }

    mutating func append(_ pk: Int64, _ key: String, _ value: String) {
        pks.append(pk)
        keys.append(key)
        texts.append(value)
    }
}

/// Metric points as the six arrays an `UNNEST` insert into `metrics` or `latest_metrics` binds.
private struct MetricColumns {
    private var rows: [(pk: Int64, keyID: Int64, step: Int64, timestamp: Int64, value: Double, isNaN: Int64)] = []

    var isEmpty: Bool { rows.isEmpty }

    mutating func append(_ pk: Int64, _ keyID: Int64, _ metric: Metric) {
        let stored = StoredMetricValue.encode(metric.value)
        rows.append((pk, keyID, metric.step, metric.timestamp, stored.value, stored.isNaN))
    }

    /// The primary key's order, so the insert appends to the index instead of scattering over it.
    mutating func sortInKeyOrder() {
        rows.sort { ($0.pk, $0.keyID, $0.step, $0.timestamp) < ($1.pk, $1.keyID, $1.step, $1.timestamp) }
    }

    var values: [SQLValue] {
        [.integers(rows.map(\.pk)), .integers(rows.map(\.keyID)), .integers(rows.map(\.step)), .integers(rows.map(\.timestamp)),
         .reals(rows.map(\.value)), .integers(rows.map(\.isNaN))]
    }
}
