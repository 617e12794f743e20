import GRDB
public import StrideDomain
public import StrideService
public import StrideStore

/// Runs and models, each table read once per call.
extension MLflowSQLiteSource {
    public func runs(ids: [String]) async throws -> [ImportedRun] {
        let schema = self.schema
        return try await read { db in
            let list = JSONText.array(ids)
            let inRuns = "IN (SELECT value FROM json_each(?))"
            var runs: [String: ImportedRun] = [:]
            var order: [String] = []
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage, deleted_time
                    FROM runs WHERE run_uuid \(inRuns)
                    """, arguments: [list])
            {
                let id: String = row[0]
                let info = RunInfo(
                    runID: id, experimentID: ExperimentID(row[1] as Int64), runName: (row[2] as String?) ?? "", userID: (row[3] as String?) ?? "",
                    status: RunStatus(rawValue: (row[4] as String?) ?? "") ?? .finished, startTime: (row[5] as Int64?) ?? 0, endTime: row[6],
                    artifactURI: (row[7] as String?) ?? "", lifecycleStage: LifecycleStage(rawValue: (row[8] as String?) ?? "") ?? .active)
                runs[id] = ImportedRun(info: info, deletedTime: row[9])
                order.append(id)
            }
            for row in try Row.fetchAll(db, sql: "SELECT run_uuid, key, value FROM params WHERE run_uuid \(inRuns)", arguments: [list]) {
                runs[row[0]]?.params.append(Param(key: row[1], value: (row[2] as String?) ?? ""))
            }
            for row in try Row.fetchAll(db, sql: "SELECT run_uuid, key, value FROM tags WHERE run_uuid \(inRuns)", arguments: [list]) {
                runs[row[0]]?.tags.append(Tag(key: row[1], value: (row[2] as String?) ?? ""))
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT run_uuid, key, value, timestamp, step, is_nan FROM latest_metrics WHERE run_uuid \(inRuns)", arguments: [list])
            {
                runs[row[0]]?.latestMetrics.append(Metric(
                    key: row[1], value: Self.metricValue(row[2], isNaN: row[5]), timestamp: (row[3] as Int64?) ?? 0, step: (row[4] as Int64?) ?? 0))
            }
            if schema.hasDatasets {
                try readInputs(into: &runs, list: list, in: db)
            }
            if schema.hasLoggedModels {
                let step = schema.hasInputStep ? "step" : "0"
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT source_id, destination_id, \(step) FROM inputs
                        WHERE source_type = 'RUN_OUTPUT' AND destination_type = 'MODEL_OUTPUT' AND source_id \(inRuns)
                        """, arguments: [list])
                {
                    runs[row[0]]?.outputs.append(ModelOutput(modelID: row[1], step: (row[2] as Int64?) ?? 0))
                }
            }
            return order.compactMap { runs[$0] }
        }
    }

    /// Dataset inputs with their tags (MLflow 2.4 and later).
    private func readInputs(into runs: inout [String: ImportedRun], list: String, in db: Database) throws {
        var inputTags: [String: [Tag]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT t.input_uuid, t.name, t.value FROM input_tags t JOIN inputs i ON i.input_uuid = t.input_uuid
                WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN' AND i.destination_id IN (SELECT value FROM json_each(?))
                """, arguments: [list])
        {
            inputTags[row[0], default: []].append(Tag(key: row[1], value: (row[2] as String?) ?? ""))
        }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT i.destination_id, i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source, d.dataset_schema, d.dataset_profile
                FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id
                WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN' AND i.destination_id IN (SELECT value FROM json_each(?))
                """, arguments: [list])
        {
            let dataset = Dataset(
                name: row[2], digest: row[3], sourceType: (row[4] as String?) ?? "", source: (row[5] as String?) ?? "", schema: row[6], profile: row[7])
            runs[row[0]]?.inputs.append(DatasetInput(dataset: dataset, tags: inputTags[row[1]] ?? []))
        }
    }

    public func loggedModels() async throws -> [ImportedLoggedModel] {
        guard schema.hasLoggedModels else { return [] }
        return try await read { db in
            var tags: [String: [Tag]] = [:], params: [String: [Param]] = [:], metrics: [String: [ModelMetric]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT model_id, tag_key, tag_value FROM logged_model_tags") {
                tags[row[0], default: []].append(Tag(key: row[1], value: (row[2] as String?) ?? ""))
            }
            for row in try Row.fetchAll(db, sql: "SELECT model_id, param_key, param_value FROM logged_model_params") {
                params[row[0], default: []].append(Param(key: row[1], value: (row[2] as String?) ?? ""))
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT model_id, metric_name, metric_timestamp_ms, metric_step, metric_value, run_id, dataset_name, dataset_digest
                    FROM logged_model_metrics
                    """)
            {
                let modelID: String = row[0]
                metrics[modelID, default: []].append(ModelMetric(
                    modelID: modelID, runID: row[5],
                    metric: Metric(key: row[1], value: (row[4] as Double?) ?? .nan, timestamp: row[2], step: row[3]),
                    datasetName: row[6], datasetDigest: row[7]))
            }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, status,
                           lifecycle_stage, model_type, source_run_id, status_message
                    FROM logged_models ORDER BY creation_timestamp_ms, model_id
                    """
            ).map { row in
                let id: String = row[0]
                let model = LoggedModel(
                    id: id, experimentID: ExperimentID(row[1] as Int64), name: row[2], artifactURI: row[3], creationTime: row[4],
                    lastUpdatedTime: row[5], modelType: row[8], sourceRunID: row[9],
                    status: LoggedModelStatus(rawValue: row[6]) ?? .unspecified, statusMessage: row[10], tags: tags[id] ?? [],
                    params: params[id] ?? [], metrics: metrics[id] ?? [])
                return ImportedLoggedModel(model: model, deleted: (row[7] as String?) == LifecycleStage.deleted.rawValue)
            }
        }
    }

    public func registeredModels() async throws -> [ImportedRegisteredModel] {
        let schema = self.schema
        return try await read { db in
            var modelTags: [String: [Tag]] = [:], versionTags: [String: [Int64: [Tag]]] = [:]
            var aliases: [String: [ModelAlias]] = [:], versions: [String: [ImportedModelVersion]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, key, value FROM registered_model_tags") {
                modelTags[row[0], default: []].append(Tag(key: row[1], value: (row[2] as String?) ?? ""))
            }
            for row in try Row.fetchAll(db, sql: "SELECT name, version, key, value FROM model_version_tags") {
                versionTags[row[0], default: [:]][row[1], default: []].append(Tag(key: row[2], value: (row[3] as String?) ?? ""))
            }
            if schema.hasAliases {
                for row in try Row.fetchAll(db, sql: "SELECT name, alias, version FROM registered_model_aliases") {
                    aliases[row[0], default: []].append(ModelAlias(alias: row[1], version: row[2]))
                }
            }
            let storage = schema.hasStorageLocation ? "storage_location" : "NULL"
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT name, version, creation_time, last_updated_time, description, current_stage, source, \(storage), run_id, run_link
                    FROM model_versions ORDER BY name, version
                    """)
            {
                let name: String = row[0], number: Int64 = row[1]
                let source: String = (row[6] as String?) ?? ""
                let stageText: String = (row[5] as String?) ?? ""
                let version = ModelVersion(
                    name: name, version: number, creationTime: (row[2] as Int64?) ?? 0, lastUpdatedTime: (row[3] as Int64?) ?? (row[2] as Int64?) ?? 0,
                    stage: (try? ModelStage(parsing: stageText)) ?? .none, description: row[4], source: source, runID: row[8], runLink: row[9],
                    modelID: Self.loggedModelID(inSource: source), tags: versionTags[name]?[number] ?? [], aliases: [])
                versions[name, default: []].append(ImportedModelVersion(
                    version: version, storageLocation: (row[7] as String?) ?? source, deleted: stageText == Self.deletedStage))
            }
            return try Row.fetchAll(db, sql: "SELECT name, description, creation_time, last_updated_time FROM registered_models ORDER BY name").map { row in
                let name: String = row[0]
                let model = RegisteredModel(
                    name: name, description: row[1], creationTime: (row[2] as Int64?) ?? 0, lastUpdatedTime: (row[3] as Int64?) ?? (row[2] as Int64?) ?? 0,
                    latestVersions: [], tags: modelTags[name] ?? [], aliases: aliases[name] ?? [], project: "")
                return ImportedRegisteredModel(model: model, versions: versions[name] ?? [])
            }
        }
    }

    /// The stage MLflow's SQL registry gives a deleted version, whose row it keeps.
    static let deletedStage = "Deleted_Internal"

    /// The logged model a `models:/<model id>` source names (MLflow 3 registers logged models so).
    static func loggedModelID(inSource source: String) -> String? {
        guard source.hasPrefix("models:/") else { return nil }
        let rest = String(source.dropFirst("models:/".count))
        return LoggedModel.looksLikeID(rest) ? rest : nil
    }
}
