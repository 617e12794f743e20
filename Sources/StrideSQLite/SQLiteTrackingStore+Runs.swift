import GRDB
public import StrideDomain
public import StrideStore
import Synchronization

extension SQLiteTrackingStore {
    public func createRun(_ run: NewRun) async throws -> Run {
        let summarized = recordedExperimentKeys.withLock { summary in summary }
        let (created, newSummary) = try await pool.write { db -> (Run, [ExperimentKeyEntry]) in
            let experiment = try Self.requireActiveExperiment(run.experimentID, in: db)
            let info = RunInfo(
                runID: run.runID, experimentID: run.experimentID, runName: run.runName, userID: run.userID, status: .running,
                startTime: run.startTime, endTime: nil, artifactURI: run.artifactURI(experiment.artifactLocation),
                lifecycleStage: .active)
            try DirectStatementExecution.execute(
                db.cachedStatement(
                    sql: """
                        INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """), in: db
            ) { values in
                values.append(info.runID)
                values.append(info.experimentID.value)
                values.append(info.runName)
                values.append(info.userID)
                values.append(info.status.number.databaseValue)
                values.append(info.startTime.databaseValue)
                values.append(info.endTime.databaseValue)
                values.append(info.artifactURI)
                values.append(info.lifecycleStage.rawValue)
            }
            try Self.upsertRunTags(run.tags, runPK: db.lastInsertedRowID, in: db)
            var newSummary: [ExperimentKeyEntry] = []
            try Self.recordKeys(
                run.tags.lazy.map(\.key), kind: .tag, experimentID: run.experimentID, known: summarized, into: &newSummary, in: db)
            return (Run(info: info, tags: run.tags.sorted { $0.key < $1.key }), newSummary)
        }
        rememberRecordedKeys(newSummary)
        return created
    }

    public func run(id: String) async throws -> Run? {
        try readNow { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: Self.runSelect + " WHERE run_uuid = ?"), arguments: [id]) else {
                return nil
            }
            return try Self.loadRuns([row], in: db).first
        }
    }

    public func updateRun(id: String, _ update: RunUpdate) async throws -> RunInfo {
        try await pool.write { db in
            let run = try Self.requireRun(id, in: db)
            try Self.requireActive(run, id: id)
            var assignments: [String] = []
            var arguments: [DatabaseValue] = []
            if let status = update.status {
                assignments.append("status = ?")
                arguments.append(status.number.databaseValue)
            }
            if let endTime = update.endTime {
                assignments.append("end_time = ?")
                arguments.append(endTime.databaseValue)
            }
            if let name = update.name {
                assignments.append("name = ?")
                arguments.append(name.databaseValue)
                try Self.upsertRunTags([Tag(key: ReservedTag.runName, value: name)], runPK: run.pk, in: db)
            }
            if !assignments.isEmpty {
                try db.execute(
                    sql: "UPDATE runs SET \(assignments.joined(separator: ", ")) WHERE run_pk = ?",
                    arguments: StatementArguments(arguments + [run.pk.databaseValue]))
            }
            let row = try Row.fetchOne(db, sql: Self.runSelect + " WHERE run_pk = ?", arguments: [run.pk])!
            return Self.runInfo(from: row)
        }
    }

    public func setRunLifecycle(id: String, to stage: LifecycleStage, at time: Int64) async throws {
        try await pool.write { db in
            let run = try Self.requireRun(id, in: db)
            if stage == .active {
                let experimentStage = try Self.requireExperiment(run.experimentID, in: db).stage
                guard experimentStage == .active else { throw StoreError.notActive(.experiment(run.experimentID), stage: experimentStage) }
            }
            try db.execute(
                sql: "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_pk = ?",
                arguments: [stage.rawValue, stage == .deleted ? time : nil, run.pk])
        }
    }

    public func deleteRunTag(runID: String, key: String) async throws {
        try await pool.write { db in
            let run = try Self.requireRun(runID, in: db)
            try Self.requireActive(run, id: runID)
            try db.execute(sql: "DELETE FROM run_tags WHERE run_pk = ? AND key = ?", arguments: [run.pk, key])
            guard db.changesCount > 0 else {
                throw StoreError.notFound(.runTag(run: runID, key: key))
            }
        }
    }

    public func logInputs(runID: String, datasets: [DatasetInput], models: [ModelInput]) async throws {
        try await pool.write { db in
            let run = try Self.requireRun(runID, in: db)
            try Self.requireActive(run, id: runID)
            for input in datasets {
                let dataset = input.dataset
                // Datasets are shared by the runs of an experiment; the first description wins. Looked up
                // before inserting: an INSERT that meets the conflict has already copied the profile
                // (up to 16 MB) into a bound value and a record.
                // SQLite has one writer: no other connection can insert it between the lookup and the insert.
                let datasetPK: Int64
                if let existing = try Int64.fetchOne(
                    db, sql: "SELECT dataset_pk FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?",
                    arguments: [run.experimentID.value, dataset.name, dataset.digest])
                {
                    datasetPK = existing
                } else {
                    try db.execute(
                        sql: """
                            INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [run.experimentID.value, dataset.name, dataset.digest, dataset.sourceType, dataset.source,
                                    dataset.schema, dataset.profile])
                    datasetPK = db.lastInsertedRowID
                }
                try db.execute(
                    sql: "INSERT INTO run_inputs (run_pk, dataset_pk) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    arguments: [run.pk, datasetPK])
                for tag in input.tags {
                    try db.execute(
                        sql: """
                            INSERT INTO run_input_tags (run_pk, dataset_pk, key, value) VALUES (?, ?, ?, ?)
                            ON CONFLICT DO UPDATE SET value = excluded.value
                            """,
                        arguments: [run.pk, datasetPK, tag.key, tag.value])
                }
            }
            // As in MLflow, a model is an input of a run once however often it is logged.
            for model in models {
                try db.execute(
                    sql: "INSERT INTO run_model_inputs (run_pk, model_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    arguments: [run.pk, model.modelID])
            }
        }
    }

    public func logOutputs(runID: String, models: [ModelOutput]) async throws {
        try await pool.write { db in
            let run = try Self.requireRun(runID, in: db)
            try Self.requireActive(run, id: runID)
            for model in models {
                try db.execute(
                    sql: "INSERT INTO run_outputs (run_pk, model_id, step) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [run.pk, model.modelID, model.step])
            }
        }
    }

    // MARK: Helpers

    /// The columns every run query selects first, in the order ``runInfo(from:)`` reads them.
    static let runColumns = ["run_pk", "run_uuid", "experiment_id", "name", "user_id", "status", "start_time", "end_time", "artifact_uri", "lifecycle_stage"]

    static let runSelect = "SELECT \(runColumns.joined(separator: ", ")) FROM runs"

    /// Reads ``runColumns`` by position: looking columns up by name cost a tenth of a search page.
    static func runInfo(from row: Row) -> RunInfo {
        RunInfo(
            runID: row[1], experimentID: ExperimentID(row[2] as Int64), runName: row[3],
            userID: row[4], status: RunStatus(number: row[5] as Int) ?? .running,
            startTime: row[6], endTime: row[7], artifactURI: row[8],
            lifecycleStage: LifecycleStage(rawValue: row[9] as String) ?? .active)
    }

    struct RunRef {
        var pk: Int64
        var experimentID: ExperimentID
        var stage: LifecycleStage
    }

    static func requireRun(_ id: String, in db: Database) throws -> RunRef {
        let found = try DirectStatementExecution.firstRow(
            db.cachedStatement(sql: "SELECT run_pk, experiment_id, lifecycle_stage FROM runs WHERE run_uuid = ?"), in: db,
            bind: { $0.append(id) },
            read: { row in
                RunRef(
                    pk: row.integer(0), experimentID: ExperimentID(row.integer(1)),
                    stage: row.text(2).flatMap(LifecycleStage.init(rawValue:)) ?? .active)
            })
        guard let found else { throw StoreError.notFound(.run(id: id)) }
        return found
    }

    static func requireActive(_ run: RunRef, id: String) throws {
        guard run.stage == .active else {
            throw StoreError.notActive(.run(id: id), stage: run.stage)
        }
    }

    static func upsertRunTags(_ tags: [Tag], runPK: Int64, in db: Database) throws {
        try tagUpsert.execute(rowCount: tags.count, in: db) { index, values in
            values.append(runPK)
            values.append(tags[index].key)
            values.append(tags[index].value)
        }
    }

    private static let tagUpsert = MultiRowInsert(
        head: "INSERT INTO run_tags (run_pk, key, value) VALUES", tail: "ON CONFLICT (run_pk, key) DO UPDATE SET value = excluded.value",
        columns: 3)
}
