public import StrideDomain

/// MLflow's tracking schema read for `stride import`, whichever database holds it: the statements
/// and the rows-to-entities rules live here once; ``MLflowDatabase`` runs them. Each call reads its
/// tables in one consistent read.
public struct MLflowSchemaReader<Database: MLflowDatabase>: MLflowSource {
    public let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    private var schema: MLflowSchemaRevision { database.schema }
    private var inList: String { database.inList }

    public func inventory() async throws -> SourceInventory {
        var tables = ["experiments", "runs", "metrics", "registered_models", "model_versions"]
        if schema.hasLoggedModels { tables.append("logged_models") }
        let counts = try await database.rows(tables.map { "SELECT count(*) FROM \($0)" }, ids: nil)
        func count(_ index: Int) -> Int { counts[index].first?.integer(0).map(Int.init) ?? 0 }
        var inventory = SourceInventory(schema: "\(schema.revision) (\(schema.releases))")
        inventory.experiments = count(0)
        inventory.runs = count(1)
        inventory.metricPoints = count(2)
        inventory.registeredModels = count(3)
        inventory.modelVersions = count(4)
        inventory.loggedModels = schema.hasLoggedModels ? count(5) : 0
        return inventory
    }

    public func experiments() async throws -> [Experiment] {
        let result = try await database.rows(
            [
                "SELECT experiment_id, key, value FROM experiment_tags ORDER BY experiment_id, key",
                """
                SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time
                FROM experiments ORDER BY experiment_id
                """,
            ], ids: nil)
        var tags: [Int64: [Tag]] = [:]
        for row in result[0] {
            tags[row.integer(0) ?? 0, default: []].append(Tag(key: row.string(1), value: row.string(2)))
        }
        return result[1].map { row in
            let id = row.integer(0) ?? 0
            return Experiment(
                id: ExperimentID(id), name: row.string(1), artifactLocation: row.string(2),
                lifecycleStage: LifecycleStage(rawValue: row.string(3)) ?? .active,
                creationTime: row.integer(4) ?? 0, lastUpdateTime: row.integer(5) ?? row.integer(4) ?? 0, tags: tags[id] ?? [], project: "")
        }
    }

    public func runList() async throws -> [SourceRunEntry] {
        let result = try await database.rows(
            [
                "SELECT run_uuid, count(*) FROM metrics GROUP BY run_uuid",
                "SELECT run_uuid, experiment_id FROM runs ORDER BY experiment_id, start_time, run_uuid",
            ], ids: nil)
        var points: [String: Int] = [:]
        for row in result[0] { points[row.string(0)] = Int(row.integer(1) ?? 0) }
        return result[1].map { row in
            let id = row.string(0)
            return SourceRunEntry(runID: id, experimentID: ExperimentID(row.integer(1) ?? 0), metricPoints: points[id] ?? 0)
        }
    }

    public func runContents(ids: [String]) async throws -> [String: RunContents] {
        var counted: [(sql: String, field: WritableKeyPath<RunContents, Int>)] = [
            ("SELECT run_uuid, count(*) FROM params WHERE run_uuid\(inList) GROUP BY run_uuid", \.params),
            ("SELECT run_uuid, count(*) FROM tags WHERE run_uuid\(inList) GROUP BY run_uuid", \.tags),
            ("SELECT run_uuid, count(*) FROM metrics WHERE run_uuid\(inList) GROUP BY run_uuid", \.metricPoints),
        ]
        if schema.hasDatasets {
            counted.append((
                """
                SELECT destination_id, count(DISTINCT source_id) FROM inputs
                WHERE source_type = 'DATASET' AND destination_type = 'RUN' AND destination_id\(inList)
                GROUP BY destination_id
                """, \.inputs))
        }
        if schema.hasLoggedModels {
            counted.append((
                """
                SELECT source_id, count(*) FROM inputs
                WHERE source_type = 'RUN_OUTPUT' AND destination_type = 'MODEL_OUTPUT' AND source_id\(inList)
                GROUP BY source_id
                """, \.outputs))
        }
        let result = try await database.rows(counted.map(\.sql), ids: ids)
        var contents: [String: RunContents] = [:]
        for id in ids { contents[id] = RunContents() }
        for (rows, statement) in zip(result, counted) {
            for row in rows {
                contents[row.string(0), default: RunContents()][keyPath: statement.field] = Int(row.integer(1) ?? 0)
            }
        }
        return contents
    }

    public func metricHistory(runID: String, after position: Int64?, limit: Int) async throws -> (points: [Metric], next: Int64?) {
        try await database.metricHistory(runID: runID, after: position, limit: limit)
    }

    public func runs(ids: [String]) async throws -> [ImportedRun] {
        var statements = [
            """
            SELECT run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage, deleted_time
            FROM runs WHERE run_uuid\(inList)
            """,
            "SELECT run_uuid, key, value FROM params WHERE run_uuid\(inList)",
            "SELECT run_uuid, key, value FROM tags WHERE run_uuid\(inList)",
            "SELECT run_uuid, key, value, timestamp, step, is_nan FROM latest_metrics WHERE run_uuid\(inList)",
        ]
        if schema.hasDatasets {
            statements += [
                """
                SELECT t.input_uuid, t.name, t.value FROM input_tags t JOIN inputs i ON i.input_uuid = t.input_uuid
                WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN' AND i.destination_id\(inList)
                """,
                """
                SELECT i.destination_id, i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source, d.dataset_schema, d.dataset_profile
                FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id
                WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN' AND i.destination_id\(inList)
                """,
            ]
        }
        if schema.hasLoggedModels {
            statements.append("""
                SELECT source_id, destination_id, \(schema.hasInputStep ? "step" : "0") FROM inputs
                WHERE source_type = 'RUN_OUTPUT' AND destination_type = 'MODEL_OUTPUT' AND source_id\(inList)
                """)
        }
        let result = try await database.rows(statements, ids: ids)
        var runs: [String: ImportedRun] = [:]
        var order: [String] = []
        for row in result[0] {
            let id = row.string(0)
            let info = RunInfo(
                runID: id, experimentID: ExperimentID(row.integer(1) ?? 0), runName: row.string(2), userID: row.string(3),
                status: RunStatus(rawValue: row.string(4)) ?? .finished, startTime: row.integer(5) ?? 0, endTime: row.integer(6),
                artifactURI: row.string(7), lifecycleStage: LifecycleStage(rawValue: row.string(8)) ?? .active)
            runs[id] = ImportedRun(info: info, deletedTime: row.integer(9))
            order.append(id)
        }
        for row in result[1] { runs[row.string(0)]?.params.append(Param(key: row.string(1), value: row.string(2))) }
        for row in result[2] { runs[row.string(0)]?.tags.append(Tag(key: row.string(1), value: row.string(2))) }
        for row in result[3] {
            runs[row.string(0)]?.latestMetrics.append(Metric(
                key: row.string(1), value: mlflowMetricValue(row.real(2), isNaN: row.flag(5)), timestamp: row.integer(3) ?? 0,
                step: row.integer(4) ?? 0))
        }
        var next = 4
        if schema.hasDatasets {
            var inputTags: [String: [Tag]] = [:]
            for row in result[next] { inputTags[row.string(0), default: []].append(Tag(key: row.string(1), value: row.string(2))) }
            for row in result[next + 1] {
                let dataset = Dataset(
                    name: row.string(2), digest: row.string(3), sourceType: row.string(4), source: row.string(5), schema: row.text(6),
                    profile: row.text(7))
                runs[row.string(0)]?.inputs.append(DatasetInput(dataset: dataset, tags: inputTags[row.string(1)] ?? []))
            }
            next += 2
        }
        if schema.hasLoggedModels {
            for row in result[next] {
                runs[row.string(0)]?.outputs.append(ModelOutput(modelID: row.string(1), step: row.integer(2) ?? 0))
            }
        }
        return order.compactMap { runs[$0] }
    }

    public func loggedModels() async throws -> [ImportedLoggedModel] {
        guard schema.hasLoggedModels else { return [] }
        let result = try await database.rows(
            [
                "SELECT model_id, tag_key, tag_value FROM logged_model_tags",
                "SELECT model_id, param_key, param_value FROM logged_model_params",
                """
                SELECT model_id, metric_name, metric_timestamp_ms, metric_step, metric_value, run_id, dataset_name, dataset_digest
                FROM logged_model_metrics
                """,
                """
                SELECT model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, status,
                       lifecycle_stage, model_type, source_run_id, status_message
                FROM logged_models ORDER BY creation_timestamp_ms, model_id
                """,
            ], ids: nil)
        var tags: [String: [Tag]] = [:], params: [String: [Param]] = [:], metrics: [String: [ModelMetric]] = [:]
        for row in result[0] { tags[row.string(0), default: []].append(Tag(key: row.string(1), value: row.string(2))) }
        for row in result[1] { params[row.string(0), default: []].append(Param(key: row.string(1), value: row.string(2))) }
        for row in result[2] {
            let modelID = row.string(0)
            metrics[modelID, default: []].append(ModelMetric(
                modelID: modelID, runID: row.string(5),
                metric: Metric(key: row.string(1), value: row.real(4) ?? .nan, timestamp: row.integer(2) ?? 0, step: row.integer(3) ?? 0),
                datasetName: row.text(6), datasetDigest: row.text(7)))
        }
        return result[3].map { row in
            let id = row.string(0)
            let model = LoggedModel(
                id: id, experimentID: ExperimentID(row.integer(1) ?? 0), name: row.string(2), artifactURI: row.string(3),
                creationTime: row.integer(4) ?? 0, lastUpdatedTime: row.integer(5) ?? 0, modelType: row.text(8), sourceRunID: row.text(9),
                status: LoggedModelStatus(rawValue: Int(row.integer(6) ?? 0)) ?? .unspecified, statusMessage: row.text(10),
                tags: tags[id] ?? [], params: params[id] ?? [], metrics: metrics[id] ?? [])
            return ImportedLoggedModel(model: model, deleted: row.text(7) == LifecycleStage.deleted.rawValue)
        }
    }

    public func registeredModels() async throws -> [ImportedRegisteredModel] {
        let result = try await database.rows(
            [
                "SELECT name, key, value FROM registered_model_tags",
                "SELECT name, version, key, value FROM model_version_tags",
                schema.hasAliases ? "SELECT name, alias, version FROM registered_model_aliases" : "SELECT name FROM registered_models WHERE 1 = 0",
                """
                SELECT name, version, creation_time, last_updated_time, description, current_stage, source,
                       \(schema.hasStorageLocation ? "storage_location" : "NULL"), run_id, run_link
                FROM model_versions ORDER BY name, version
                """,
                "SELECT name, description, creation_time, last_updated_time FROM registered_models ORDER BY name",
            ], ids: nil)
        var modelTags: [String: [Tag]] = [:], versionTags: [String: [Int64: [Tag]]] = [:]
        var aliases: [String: [ModelAlias]] = [:], versions: [String: [ImportedModelVersion]] = [:]
        for row in result[0] { modelTags[row.string(0), default: []].append(Tag(key: row.string(1), value: row.string(2))) }
        for row in result[1] {
            versionTags[row.string(0), default: [:]][row.integer(1) ?? 0, default: []].append(Tag(key: row.string(2), value: row.string(3)))
        }
        for row in result[2] { aliases[row.string(0), default: []].append(ModelAlias(alias: row.string(1), version: row.integer(2) ?? 0)) }
        for row in result[3] {
            let name = row.string(0), number = row.integer(1) ?? 0
            let source = row.string(6), stageText = row.string(5)
            let created = row.integer(2) ?? 0
            let version = ModelVersion(
                name: name, version: number, creationTime: created, lastUpdatedTime: row.integer(3) ?? created,
                stage: (try? ModelStage(parsing: stageText)) ?? .none, description: row.text(4), source: source, runID: row.text(8),
                runLink: row.text(9), modelID: Self.loggedModelID(inSource: source), tags: versionTags[name]?[number] ?? [], aliases: [])
            versions[name, default: []].append(ImportedModelVersion(
                version: version, storageLocation: row.text(7) ?? source, deleted: stageText == Self.deletedStage))
        }
        return result[4].map { row in
            let name = row.string(0), created = row.integer(2) ?? 0
            let model = RegisteredModel(
                name: name, description: row.text(1), creationTime: created, lastUpdatedTime: row.integer(3) ?? created, latestVersions: [],
                tags: modelTags[name] ?? [], aliases: aliases[name] ?? [], project: "")
            return ImportedRegisteredModel(model: model, versions: versions[name] ?? [])
        }
    }

    /// The stage MLflow's SQL registry gives a deleted version, whose row it keeps.
    static var deletedStage: String { "Deleted_Internal" }

    /// The logged model a `models:/<model id>` source names (MLflow 3 registers logged models so).
    static func loggedModelID(inSource source: String) -> String? {
        guard source.hasPrefix("models:/") else { return nil }
        let rest = String(source.dropFirst("models:/".count))
        return LoggedModel.looksLikeID(rest) ? rest : nil
    }
}
