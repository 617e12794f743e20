import GRDB
public import StrideDomain
public import StrideStore
import Synchronization

/// `stride import`'s tracking writes: whole runs in one transaction per call, every row inserted
/// only when missing, through the same multi-row statements as the ingest path.
extension SQLiteTrackingStore: ImportStore {
    /// Nothing to refresh: this store keeps no `sqlite_stat1`, so SQLite plans from the schema alone
    /// and a bulk load changes no plan.
    public func importFinished() async throws {}

    public func importExperiment(_ experiment: ImportedExperiment, project: String) async throws
        -> (id: ExperimentID, artifactLocation: String, created: Bool)
    {
        try await pool.write { db in
            let projectID = try Self.projectID(named: project, in: db)
            if let existing = try Row.fetchOne(
                db, sql: "SELECT experiment_id, artifact_location FROM experiments WHERE project_id = ? AND name = ?",
                arguments: [projectID, experiment.name])
            {
                let id: Int64 = existing[0]
                try Self.insertMissingExperimentTags(experiment.tags, experimentID: id, in: db)
                return (ExperimentID(id), existing[1], false)
            }
            let idTaken = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM experiments WHERE experiment_id = ?", arguments: [experiment.preferredID.value]) ?? false
            try db.execute(
                sql: """
                    INSERT INTO experiments (experiment_id, project_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                    VALUES (?, ?, ?, '', ?, ?, ?)
                    """,
                arguments: [
                    idTaken ? nil : experiment.preferredID.value, projectID, experiment.name, experiment.lifecycleStage.rawValue,
                    experiment.creationTime, experiment.lastUpdateTime,
                ])
            let id = ExperimentID(db.lastInsertedRowID)
            let location = experiment.artifactLocation(id)
            try db.execute(sql: "UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?", arguments: [location, id.value])
            try Self.insertMissingExperimentTags(experiment.tags, experimentID: id.value, in: db)
            return (id, location, true)
        }
    }

    public func storedRunContents(runIDs: [String]) async throws -> [String: StoredRun] {
        try readNow { db in
            var pks: [Int64: (runID: String, experimentID: ExperimentID)] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT run_pk, run_uuid, experiment_id FROM runs WHERE run_uuid IN (SELECT value FROM json_each(?))",
                arguments: [JSONText.array(runIDs)])
            {
                pks[row[0]] = (row[1], ExperimentID(row[2] as Int64))
            }
            guard !pks.isEmpty else { return [:] }
            var contents: [Int64: RunContents] = [:]
            let keys = "[" + pks.keys.map(String.init).joined(separator: ",") + "]"
            let counted: [(table: String, field: WritableKeyPath<RunContents, Int>)] = [
                ("params", \.params), ("run_tags", \.tags), ("metrics", \.metricPoints), ("run_inputs", \.inputs), ("run_outputs", \.outputs),
            ]
            for (table, field) in counted {
                for row in try Row.fetchAll(
                    db, sql: "SELECT run_pk, count(*) FROM \(table) WHERE run_pk IN (SELECT value FROM json_each(?)) GROUP BY run_pk",
                    arguments: [keys])
                {
                    contents[row[0], default: RunContents()][keyPath: field] = row[1]
                }
            }
            var stored: [String: StoredRun] = [:]
            for (pk, run) in pks {
                stored[run.runID] = StoredRun(experimentID: run.experimentID, contents: contents[pk] ?? RunContents())
            }
            return stored
        }
    }

    public func importRuns(_ runs: [ImportedRun]) async throws {
        guard !runs.isEmpty else { return }
        let knownKeys = metricKeyIDs.withLock { cache in cache }
        let summarized = recordedExperimentKeys.withLock { summary in summary }
        let (newKeys, newSummary) = try await pool.write { db -> ([String: Int64], [ExperimentKeyEntry]) in
            var missingKeys = Set<String>()
            for run in runs {
                for metric in run.metrics where knownKeys[metric.key] == nil { missingKeys.insert(metric.key) }
                for metric in run.latestMetrics where knownKeys[metric.key] == nil { missingKeys.insert(metric.key) }
            }
            let newKeys = missingKeys.isEmpty ? [:] : try Self.resolveMetricKeys(Array(missingKeys), in: db)
            let keyIDs = knownKeys.merging(newKeys) { old, _ in old }
            var newSummary: [ExperimentKeyEntry] = []
            for run in runs {
                let runPK = try Self.insertRunIfMissing(run, in: db)
                try Self.insertMissingRows(of: run, runPK: runPK, keyIDs: keyIDs, in: db)
                let experimentID = run.info.experimentID
                try Self.recordKeys(run.params.lazy.map(\.key), kind: .param, experimentID: experimentID, known: summarized, into: &newSummary, in: db)
                try Self.recordKeys(
                    Set(run.latestMetrics.map(\.key)).union(run.metrics.lazy.map(\.key)), kind: .metric, experimentID: experimentID,
                    known: summarized, into: &newSummary, in: db)
                try Self.recordKeys(run.tags.lazy.map(\.key), kind: .tag, experimentID: experimentID, known: summarized, into: &newSummary, in: db)
            }
            return (newKeys, newSummary)
        }
        if !newKeys.isEmpty {
            metricKeyIDs.withLock { cache in cache.merge(newKeys) { old, _ in old } }
        }
        rememberRecordedKeys(newSummary)
    }

    // MARK: Helpers

    private static func insertMissingExperimentTags(_ tags: [Tag], experimentID: Int64, in db: Database) throws {
        var values: [DatabaseValue] = []
        for tag in tags { values += [experimentID.databaseValue, tag.key.databaseValue, tag.value.databaseValue] }
        try experimentTagInsert.execute(values, in: db)
    }

    /// The run's key, inserting its row with the source's status, times and stage when it is new.
    private static func insertRunIfMissing(_ run: ImportedRun, in db: Database) throws -> Int64 {
        let info = run.info
        try db.cachedStatement(
            sql: """
                INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage, deleted_time)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_uuid) DO NOTHING
                """
        ).execute(arguments: [
            info.runID, info.experimentID.value, info.runName, info.userID, info.status.number, info.startTime ?? 0, info.endTime,
            info.artifactURI, info.lifecycleStage.rawValue, run.deletedTime,
        ])
        guard let pk = try Int64.fetchOne(db.cachedStatement(sql: "SELECT run_pk FROM runs WHERE run_uuid = ?"), arguments: [info.runID]) else {
            throw StrideError.notFound("Run with id=\(info.runID) not found")
        }
        return pk
    }

    private static func insertMissingRows(of run: ImportedRun, runPK: Int64, keyIDs: [String: Int64], in db: Database) throws {
        let pk = runPK.databaseValue
        var values: [DatabaseValue] = []
        for param in run.params { values += [pk, param.key.databaseValue, param.value.databaseValue] }
        try paramInsertIfMissing.execute(values, in: db)

        values.removeAll(keepingCapacity: true)
        for tag in run.tags { values += [pk, tag.key.databaseValue, tag.value.databaseValue] }
        try runTagInsertIfMissing.execute(values, in: db)

        let inserted = try insertPoints(run.metrics, runPK: pk, keyIDs: keyIDs, statement: metricInsert, in: db)
        // The bulk-interval sample reads per-block counts of the points, kept as log-batch keeps them.
        try MetricStepCounts.record(
            inserted: run.metrics.compactMap { metric in keyIDs[metric.key].map { ($0, metric.step) } },
            allNew: inserted == run.metrics.count, runPK: runPK, in: db)
        try insertPoints(run.latestMetrics, runPK: pk, keyIDs: keyIDs, statement: latestUpsert, in: db)

        for input in run.inputs {
            let dataset = input.dataset
            try db.cachedStatement(sql: """
                INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (experiment_id, name, digest) DO NOTHING
                """
            ).execute(arguments: [
                run.info.experimentID.value, dataset.name, dataset.digest, dataset.sourceType, dataset.source, dataset.schema, dataset.profile,
            ])
            guard let datasetPK = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT dataset_pk FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?"),
                arguments: [run.info.experimentID.value, dataset.name, dataset.digest])
            else { continue }
            try db.cachedStatement(sql: "INSERT INTO run_inputs (run_pk, dataset_pk) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .execute(arguments: [runPK, datasetPK])
            for tag in input.tags {
                try db.cachedStatement(sql: "INSERT INTO run_input_tags (run_pk, dataset_pk, key, value) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
                    .execute(arguments: [runPK, datasetPK, tag.key, tag.value])
            }
        }
        for output in run.outputs {
            try db.cachedStatement(sql: "INSERT INTO run_outputs (run_pk, model_id, step) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                .execute(arguments: [runPK, output.modelID, output.step])
        }
    }

    /// Points in the table's key order (key, step, timestamp), so inserts append to the index.
    /// Inserts the points whose keys have ids; answers how many rows the statement added.
    @discardableResult
    private static func insertPoints(
        _ metrics: [Metric], runPK: DatabaseValue, keyIDs: [String: Int64], statement: MultiRowInsert, in db: Database
    ) throws -> Int {
        guard !metrics.isEmpty else { return 0 }
        var keyed: [(keyID: Int64, metric: Metric)] = []
        keyed.reserveCapacity(metrics.count)
        for metric in metrics {
            guard let keyID = keyIDs[metric.key] else { continue }
            keyed.append((keyID, metric))
        }
        keyed.sort { ($0.keyID, $0.metric.step, $0.metric.timestamp) < ($1.keyID, $1.metric.step, $1.metric.timestamp) }
        var values: [DatabaseValue] = []
        values.reserveCapacity(keyed.count * 6)
        for (keyID, metric) in keyed {
            let stored = StoredMetricValue.encode(metric.value)
            values.append(runPK)
            values.append(keyID.databaseValue)
            values.append(metric.step.databaseValue)
            values.append(metric.timestamp.databaseValue)
            values.append(stored.value.databaseValue)
            values.append(stored.isNaN.databaseValue)
        }
        return try statement.execute(values, in: db)
    }

    private static let experimentTagInsert = MultiRowInsert(
        head: "INSERT INTO experiment_tags (experiment_id, key, value) VALUES", tail: "ON CONFLICT DO NOTHING", columns: 3)
    private static let paramInsertIfMissing = MultiRowInsert(
        head: "INSERT INTO params (run_pk, key, value) VALUES", tail: "ON CONFLICT DO NOTHING", columns: 3)
    private static let runTagInsertIfMissing = MultiRowInsert(
        head: "INSERT INTO run_tags (run_pk, key, value) VALUES", tail: "ON CONFLICT DO NOTHING", columns: 3)
}
