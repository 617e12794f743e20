import Synchronization
public import StrideDomain
public import StrideStore

extension PostgresTrackingStore {
    public func createRun(_ run: NewRun) async throws -> Run {
        let summarized = recordedExperimentKeys.withLock { summary in summary }
        if let created = try await createRunInOneStatement(run, summarized: summarized) { return created }
        let (created, newSummary) = try await database.write { db -> (Run, [ExperimentKeyEntry]) in
            let experiment = try await Self.requireActiveExperiment(run.experimentID, in: db)
            self.remember(experiment: run.experimentID.value, artifactLocation: experiment.artifactLocation)
            let info = RunInfo(
                runID: run.runID, experimentID: run.experimentID, runName: run.runName, userID: run.userID, status: .running,
                startTime: run.startTime, endTime: nil, artifactURI: run.artifactURI(experiment.artifactLocation),
                lifecycleStage: .active)
            let inserted = try await db.row(SQL(
                """
                INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING run_pk
                """,
                info.runID, info.experimentID.value, info.runName, info.userID, info.status.number, info.startTime, info.endTime,
                info.artifactURI, info.lifecycleStage.rawValue).reused())
            try await Self.upsertRunTags(run.tags, runPK: inserted?.int(0) ?? 0, in: db)
            var newSummary: [ExperimentKeyEntry] = []
            try await Self.recordKeys(run.tags.map(\.key), kind: .tag, experimentID: run.experimentID, known: summarized, into: &newSummary, in: db)
            return (Run(info: info, tags: run.tags.sorted { $0.key < $1.key }), newSummary)
        }
        rememberRecordedKeys(newSummary)
        return created
    }

    /// The run with its params, latest metrics, tags and inputs, read from one snapshot.
    public func run(id: String) async throws -> Run? {
        try await database.snapshot { db in
            guard let row = try await db.row(SQL(Self.runSelect + " WHERE run_uuid = ?", id).reused()) else { return nil }
            return try await Self.loadRuns([row], in: db).first
        }
    }

    public func updateRun(id: String, _ update: RunUpdate) async throws -> RunInfo {
        try await database.write { db in
            let run = try await Self.requireRun(id, in: db)
            try Self.requireActive(run, id: id)
            var assignments: [SQL] = []
            if let status = update.status { assignments.append(SQL("status = ?", status.number)) }
            if let endTime = update.endTime { assignments.append(SQL("end_time = ?", endTime)) }
            if let name = update.name {
                assignments.append(SQL("name = ?", name))
                try await Self.upsertRunTags([Tag(key: ReservedTag.runName, value: name)], runPK: run.pk, in: db)
            }
            let row: SQLRow?
            if assignments.isEmpty {
                row = try await db.row(SQL(Self.runSelect + " WHERE run_pk = ?", run.pk))
            } else {
                row = try await db.row(
                    SQL("UPDATE runs SET ") + SQL.joined(assignments, separator: ", ")
                        + SQL(" WHERE run_pk = ? RETURNING \(Self.runColumns.joined(separator: ", "))", run.pk))
            }
            guard let row else { throw StoreError.notFound(.run(id: id)) }
            return Self.runInfo(from: row)
        }
    }

    public func setRunLifecycle(id: String, to stage: LifecycleStage, at time: Int64) async throws {
        try await database.write { db in
            let run = try await Self.requireRun(id, in: db)
            if stage == .active {
                let experimentStage = try await Self.requireExperiment(run.experimentID, in: db).stage
                guard experimentStage == .active else { throw StoreError.notActive(.experiment(run.experimentID), stage: experimentStage) }
            }
            try await db.execute(SQL(
                "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_pk = ?", stage.rawValue, stage == .deleted ? time : nil, run.pk))
        }
    }

    public func deleteRunTag(runID: String, key: String) async throws {
        try await database.write { db in
            let run = try await Self.requireRun(runID, in: db)
            try Self.requireActive(run, id: runID)
            let deleted = try await db.execute(SQL("DELETE FROM run_tags WHERE run_pk = ? AND key = ? RETURNING 1", run.pk, key))
            guard deleted > 0 else {
                throw StoreError.notFound(.runTag(run: runID, key: key))
            }
        }
    }

    public func logInputs(runID: String, datasets: [DatasetInput], models: [ModelInput]) async throws {
        try await database.write { db in
            let run = try await Self.requireRun(runID, in: db)
            try Self.requireActive(run, id: runID)
            for input in datasets {
                let dataset = input.dataset
                // Datasets are shared by the runs of an experiment; the first description wins.
                try await db.execute(SQL(
                    """
                    INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (experiment_id, name, digest) DO NOTHING
                    """,
                    run.experimentID.value, dataset.name, dataset.digest, dataset.sourceType, dataset.source, dataset.schema, dataset.profile))
                guard let datasetPK = try await db.row(SQL(
                    "SELECT dataset_pk FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?",
                    run.experimentID.value, dataset.name, dataset.digest))?.int(0)
                else { continue }
                try await db.execute(SQL("INSERT INTO run_inputs (run_pk, dataset_pk) VALUES (?, ?) ON CONFLICT DO NOTHING", run.pk, datasetPK))
                for tag in input.tags {
                    try await db.execute(SQL(
                        """
                        INSERT INTO run_input_tags (run_pk, dataset_pk, key, value) VALUES (?, ?, ?, ?)
                        ON CONFLICT (run_pk, dataset_pk, key) DO UPDATE SET value = excluded.value
                        """,
                        run.pk, datasetPK, tag.key, tag.value))
                }
            }
            for model in models {
                try await db.execute(SQL(
                    "INSERT INTO run_model_inputs (run_pk, model_id) VALUES (?, ?) ON CONFLICT DO NOTHING", run.pk, model.modelID))
            }
        }
    }

    public func logOutputs(runID: String, models: [ModelOutput]) async throws {
        try await database.write { db in
            let run = try await Self.requireRun(runID, in: db)
            try Self.requireActive(run, id: runID)
            for model in models {
                try await db.execute(SQL(
                    "INSERT INTO run_outputs (run_pk, model_id, step) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", run.pk, model.modelID, model.step))
            }
        }
    }

    // MARK: Helpers

    /// The columns every run query selects first, in the order ``runInfo(from:)`` reads them.
    static let runColumns = ["run_pk", "run_uuid", "experiment_id", "name", "user_id", "status", "start_time", "end_time", "artifact_uri", "lifecycle_stage"]

    static let runSelect = "SELECT \(runColumns.joined(separator: ", ")) FROM runs"

    /// Reads ``runColumns`` by position.
    static func runInfo(from row: SQLRow) -> RunInfo {
        RunInfo(
            runID: row.text(1), experimentID: ExperimentID(row.int(2)), runName: row.text(3),
            userID: row.text(4), status: Int(exactly: row.int(5)).flatMap { RunStatus(number: $0) } ?? .running,
            startTime: row.optionalInt(6), endTime: row.optionalInt(7), artifactURI: row.text(8),
            lifecycleStage: LifecycleStage(rawValue: row.text(9)) ?? .active)
    }

    struct RunRef {
        var pk: Int64
        var experimentID: ExperimentID
        var stage: LifecycleStage
    }

    static func requireRun(_ id: String, in db: Session) async throws -> RunRef {
        guard let row = try await db.row(SQL("SELECT run_pk, experiment_id, lifecycle_stage FROM runs WHERE run_uuid = ?", id).reused()) else {
            throw StoreError.notFound(.run(id: id))
        }
        return RunRef(pk: row.int(0), experimentID: ExperimentID(row.int(1)), stage: LifecycleStage(rawValue: row.text(2)) ?? .active)
    }

    static func requireActive(_ run: RunRef, id: String) throws {
        guard run.stage == .active else {
            throw StoreError.notActive(.run(id: id), stage: run.stage)
        }
    }

    /// One statement for any number of tags: the key and value columns travel as two arrays.
    static func upsertRunTags(_ tags: [Tag], runPK: Int64, in db: Session) async throws {
        guard !tags.isEmpty else { return }
        let unique = UniqueKeyed.lastWins(tags, key: \.key)
        try await db.execute(SQL(
            """
            INSERT INTO run_tags (run_pk, key, value) SELECT ?, * FROM UNNEST(?::text[], ?::text[])
            ON CONFLICT (run_pk, key) DO UPDATE SET value = excluded.value
            """,
            [.integer(runPK), .texts(unique.map(\.key)), .texts(unique.map(\.value))]).reused())
    }
}
