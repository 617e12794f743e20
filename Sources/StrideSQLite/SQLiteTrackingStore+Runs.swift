import SQLiteNIO
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore {
    public func createRun(_ run: NewRun) async throws -> Run {
        try await database.write { connection in
            let experiment = try await self.requireExperiment(run.info.experimentID, on: connection)
            guard experiment.stage == .active else {
                throw StrideError.invalidParameter(
                    "The experiment \(run.info.experimentID) must be in the 'active' state. Current state is \(experiment.stage.rawValue).")
            }
            let info = run.info
            let inserted = try await connection.query(
                """
                INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING run_pk
                """,
                [.text(info.runID), .integer(Int(info.experimentID.value)), .text(info.runName), .text(info.userID),
                 .integer(info.status.number), info.startTime.map { .integer(Int($0)) } ?? .null,
                 info.endTime.map { .integer(Int($0)) } ?? .null, .text(info.artifactURI), .text(info.lifecycleStage.rawValue)])
            let runPK = try inserted[0].int("run_pk")
            if !run.tags.isEmpty {
                try await self.upsertRunTags(run.tags, runPK: runPK, on: connection)
            }
            return Run(info: info, tags: run.tags.sorted { $0.key < $1.key })
        }
    }

    public func run(id: String) async throws -> Run? {
        try await database.read { connection in
            let rows = try await connection.query(Self.runSelect + " WHERE run_uuid = ?", [.text(id)])
            guard let row = rows.first else { return nil }
            let runPK = try row.int("run_pk")
            return try await self.loadRun(info: try Self.runInfo(from: row), runPK: runPK, on: connection)
        }
    }

    public func updateRun(id: String, _ update: RunUpdate) async throws -> RunInfo {
        try await database.write { connection in
            let run = try await self.requireRun(id, on: connection)
            try Self.requireActive(run, id: id)
            var assignments: [String] = []
            var binds: [SQLiteData] = []
            if let status = update.status {
                assignments.append("status = ?")
                binds.append(.integer(status.number))
            }
            if let endTime = update.endTime {
                assignments.append("end_time = ?")
                binds.append(.integer(Int(endTime)))
            }
            if let name = update.name {
                assignments.append("name = ?")
                binds.append(.text(name))
                try await self.upsertRunTags([Tag(key: ReservedTag.runName, value: name)], runPK: run.pk, on: connection)
            }
            if !assignments.isEmpty {
                try await connection.execute(
                    "UPDATE runs SET \(assignments.joined(separator: ", ")) WHERE run_pk = ?", binds + [.integer(Int(run.pk))])
            }
            let rows = try await connection.query(Self.runSelect + " WHERE run_pk = ?", [.integer(Int(run.pk))])
            return try Self.runInfo(from: rows[0])
        }
    }

    public func setRunLifecycle(id: String, to stage: LifecycleStage, at time: Int64) async throws {
        try await database.write { connection in
            let run = try await self.requireRun(id, on: connection)
            if stage == .active {
                let experiment = try await self.requireExperiment(run.experimentID, on: connection)
                guard experiment.stage == .active else {
                    throw StrideError.invalidParameter(
                        "Cannot restore run \(id): its experiment \(run.experimentID) is deleted. Restore the experiment first.")
                }
            }
            try await connection.execute(
                "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_pk = ?",
                [.text(stage.rawValue), stage == .deleted ? .integer(Int(time)) : .null, .integer(Int(run.pk))])
        }
    }

    public func deleteRunTag(runID: String, key: String) async throws {
        try await database.write { connection in
            let run = try await self.requireRun(runID, on: connection)
            try Self.requireActive(run, id: runID)
            let deleted = try await connection.query(
                "DELETE FROM run_tags WHERE run_pk = ? AND key = ? RETURNING key", [.integer(Int(run.pk)), .text(key)])
            guard !deleted.isEmpty else {
                throw StrideError.notFound("No tag with name: \(key) in run with id \(runID)")
            }
        }
    }

    public func logInputs(runID: String, datasets: [DatasetInput]) async throws {
        guard !datasets.isEmpty else {
            _ = try await database.read { connection in try await self.requireRun(runID, on: connection) }
            return
        }
        try await database.write { connection in
            let run = try await self.requireRun(runID, on: connection)
            try Self.requireActive(run, id: runID)
            for input in datasets {
                let dataset = input.dataset
                // Datasets are shared by the runs of an experiment; the first description wins.
                let rows = try await connection.query(
                    """
                    INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (experiment_id, name, digest) DO UPDATE SET name = excluded.name
                    RETURNING dataset_pk
                    """,
                    [.integer(Int(run.experimentID.value)), .text(dataset.name), .text(dataset.digest), .text(dataset.sourceType),
                     .text(dataset.source), dataset.schema.map { .text($0) } ?? .null, dataset.profile.map { .text($0) } ?? .null])
                let datasetPK = try rows[0].int("dataset_pk")
                try await connection.execute(
                    "INSERT INTO run_inputs (run_pk, dataset_pk) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [.integer(Int(run.pk)), .integer(Int(datasetPK))])
                for tag in input.tags {
                    try await connection.execute(
                        "INSERT INTO run_input_tags (run_pk, dataset_pk, key, value) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value",
                        [.integer(Int(run.pk)), .integer(Int(datasetPK)), .text(tag.key), .text(tag.value)])
                }
            }
        }
    }

    public func logOutputs(runID: String, models: [ModelOutput]) async throws {
        try await database.write { connection in
            let run = try await self.requireRun(runID, on: connection)
            try Self.requireActive(run, id: runID)
            for model in models {
                try await connection.execute(
                    "INSERT INTO run_outputs (run_pk, model_id, step) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    [.integer(Int(run.pk)), .text(model.modelID), .integer(Int(model.step))])
            }
        }
    }

    // MARK: Helpers

    static let runSelect = """
        SELECT run_pk, run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage
        FROM runs
        """

    static func runInfo(from row: SQLiteRow) throws -> RunInfo {
        RunInfo(
            runID: try row.text("run_uuid"), experimentID: ExperimentID(try row.int("experiment_id")),
            runName: try row.text("name"), userID: try row.text("user_id"),
            status: RunStatus(number: Int(try row.int("status"))) ?? .running,
            startTime: row.optionalInt("start_time"), endTime: row.optionalInt("end_time"),
            artifactURI: try row.text("artifact_uri"),
            lifecycleStage: LifecycleStage(rawValue: try row.text("lifecycle_stage")) ?? .active)
    }

    /// Loads a run's params, tags, latest metrics, inputs and outputs: one query per table.
    func loadRun(info: RunInfo, runPK: Int64, on connection: SQLiteConnection) async throws -> Run {
        let pk: [SQLiteData] = [.integer(Int(runPK))]
        let params = try await connection.query("SELECT key, value FROM params WHERE run_pk = ? ORDER BY key", pk)
            .map { Param(key: try $0.text("key"), value: try $0.text("value")) }
        let tags = try await connection.query("SELECT key, value FROM run_tags WHERE run_pk = ? ORDER BY key", pk)
            .map { Tag(key: try $0.text("key"), value: try $0.text("value")) }
        let metrics = try await connection.query(
            """
            SELECT k.key, l.step, l.timestamp, l.value, l.is_nan
            FROM latest_metrics l JOIN metric_keys k ON k.key_id = l.key_id
            WHERE l.run_pk = ? ORDER BY k.key
            """, pk
        ).map { row in
            Metric(
                key: try row.text("key"),
                value: StoredMetricValue.decode(value: try row.double("value"), isNaN: try row.int("is_nan")),
                timestamp: try row.int("timestamp"), step: try row.int("step"))
        }
        let datasetRows = try await connection.query(
            """
            SELECT d.dataset_pk, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
            FROM run_inputs i JOIN datasets d ON d.dataset_pk = i.dataset_pk
            WHERE i.run_pk = ? ORDER BY d.dataset_pk
            """, pk)
        var inputs: [DatasetInput] = []
        if !datasetRows.isEmpty {
            var tagsByDataset: [Int64: [Tag]] = [:]
            for row in try await connection.query(
                "SELECT dataset_pk, key, value FROM run_input_tags WHERE run_pk = ? ORDER BY key", pk)
            {
                tagsByDataset[try row.int("dataset_pk"), default: []].append(Tag(key: try row.text("key"), value: try row.text("value")))
            }
            inputs = try datasetRows.map { row in
                DatasetInput(
                    dataset: Dataset(
                        name: try row.text("name"), digest: try row.text("digest"), sourceType: try row.text("source_type"),
                        source: try row.text("source"), schema: row.optionalText("schema"), profile: row.optionalText("profile")),
                    tags: tagsByDataset[try row.int("dataset_pk")] ?? [])
            }
        }
        let outputs = try await connection.query(
            "SELECT model_id, step FROM run_outputs WHERE run_pk = ? ORDER BY step, model_id", pk
        ).map { ModelOutput(modelID: try $0.text("model_id"), step: try $0.int("step")) }
        return Run(info: info, latestMetrics: metrics, params: params, tags: tags, datasetInputs: inputs, modelOutputs: outputs)
    }

    struct RunRef {
        var pk: Int64
        var experimentID: ExperimentID
        var stage: LifecycleStage
    }

    func requireRun(_ id: String, on connection: SQLiteConnection) async throws -> RunRef {
        let rows = try await connection.query(
            "SELECT run_pk, experiment_id, lifecycle_stage FROM runs WHERE run_uuid = ?", [.text(id)])
        guard let row = rows.first else {
            throw StrideError.notFound("Run with id=\(id) not found")
        }
        return RunRef(
            pk: try row.int("run_pk"), experimentID: ExperimentID(try row.int("experiment_id")),
            stage: LifecycleStage(rawValue: try row.text("lifecycle_stage")) ?? .active)
    }

    static func requireActive(_ run: RunRef, id: String) throws {
        guard run.stage == .active else {
            throw StrideError.invalidParameter("The run \(id) must be in the 'active' state. Current state is \(run.stage.rawValue).")
        }
    }

    func upsertRunTags(_ tags: [Tag], runPK: Int64, on connection: SQLiteConnection) async throws {
        for chunk in tags.chunked(into: 300) {
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * 3)
            for tag in chunk {
                binds += [.integer(Int(runPK)), .text(tag.key), .text(tag.value)]
            }
            let rows = Array(repeating: "(?, ?, ?)", count: chunk.count).joined(separator: ", ")
            try await connection.execute(
                "INSERT INTO run_tags (run_pk, key, value) VALUES \(rows) ON CONFLICT (run_pk, key) DO UPDATE SET value = excluded.value",
                binds)
        }
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements, for multi-row statements.
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
