public import StrideDomain
public import StrideStore

extension PostgresTrackingStore {
    public func createLoggedModel(_ model: NewLoggedModel) async throws -> LoggedModel {
        try await database.write { db in
            guard try await db.row(SQL("SELECT 1 FROM experiments WHERE experiment_id = ?", model.experimentID.value)) != nil else {
                throw StoreError.notFound(.experiment(model.experimentID))
            }
            let inserted = try await db.row(SQL(
                """
                INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_time, last_updated_time,
                                           model_type, source_run_id, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING model_pk
                """,
                model.id, model.experimentID.value, model.name, model.artifactURI, model.creationTime, model.creationTime,
                model.modelType, model.sourceRunID, Int64(LoggedModelStatus.pending.rawValue)))
            let pk = inserted?.int(0) ?? 0
            try await Self.upsert(model.tags, table: "logged_model_tags", modelPK: pk, in: db)
            try await Self.upsert(model.params, table: "logged_model_params", modelPK: pk, in: db)
            return try await Self.loadLoggedModel(pk: pk, in: db)
        }
    }

    public func loggedModel(id: String, allowDeleted: Bool) async throws -> LoggedModel? {
        try await database.read { db in
            let pks = try await db.rows(SQL(
                "SELECT model_pk FROM logged_models WHERE model_id = ?" + (allowDeleted ? "" : " AND deleted = 0"), id)).map { $0.int(0) }
            return try await Self.loadLoggedModels(pks: pks, in: db).first
        }
    }

    public func loggedModelExperiment(id: String) async throws -> ExperimentID? {
        try await database.read { db in
            try await db.row(SQL("SELECT experiment_id FROM logged_models WHERE model_id = ? AND deleted = 0", id)).map { ExperimentID($0.int(0)) }
        }
    }

    public func finalizeLoggedModel(id: String, status: LoggedModelStatus, at time: Int64) async throws -> LoggedModel {
        try await database.write { db in
            let pk = try await Self.requireLoggedModel(id: id, in: db)
            try await db.execute(SQL("UPDATE logged_models SET status = ?, last_updated_time = ? WHERE model_pk = ?", Int64(status.rawValue), time, pk))
            return try await Self.loadLoggedModel(pk: pk, in: db)
        }
    }

    public func deleteLoggedModel(id: String, at time: Int64) async throws {
        try await database.write { db in
            let pk = try await Self.requireLoggedModel(id: id, in: db)
            try await db.execute(SQL("UPDATE logged_models SET deleted = 1, last_updated_time = ? WHERE model_pk = ?", time, pk))
        }
    }

    public func setLoggedModelTags(id: String, tags: [Tag], at time: Int64) async throws {
        try await database.write { db in
            let pk = try await Self.requireLoggedModel(id: id, in: db)
            try await Self.upsert(tags, table: "logged_model_tags", modelPK: pk, in: db)
            try await db.execute(SQL("UPDATE logged_models SET last_updated_time = ? WHERE model_pk = ?", time, pk))
        }
    }

    public func deleteLoggedModelTag(id: String, key: String) async throws {
        try await database.write { db in
            let pk = try await Self.requireLoggedModel(id: id, in: db)
            let deleted = try await db.execute(SQL("DELETE FROM logged_model_tags WHERE model_pk = ? AND key = ? RETURNING 1", pk, key))
            guard deleted > 0 else {
                throw StoreError.notFound(.loggedModelTag(model: id, key: key))
            }
        }
    }

    public func logLoggedModelParams(id: String, params: [Param], at time: Int64) async throws {
        try await database.write { db in
            let pk = try await Self.requireLoggedModel(id: id, in: db)
            try await Self.upsert(params, table: "logged_model_params", modelPK: pk, in: db)
            try await db.execute(SQL("UPDATE logged_models SET last_updated_time = ? WHERE model_pk = ?", time, pk))
        }
    }

    public func searchLoggedModels(_ query: LoggedModelQuery) async throws -> ResultPage<LoggedModel> {
        let statement = PostgresLoggedModelSearchSQL.statement(query)
        return try await database.read { db in
            let pks = try await db.rows(statement).map { $0.int(0) }
            let models = try await Self.loadLoggedModels(pks: Array(pks.prefix(query.maxResults)), in: db)
            return ResultPage(items: models, nextOffset: pks.count > query.maxResults ? query.offset + query.maxResults : nil)
        }
    }

    // MARK: Helpers

    private static func requireLoggedModel(id: String, in db: Session) async throws -> Int64 {
        guard let row = try await db.row(SQL("SELECT model_pk FROM logged_models WHERE model_id = ? AND deleted = 0", id)) else {
            throw StoreError.notFound(.loggedModel(id: id))
        }
        return row.int(0)
    }

    /// Tags and params share one shape: `(model_pk, key, value)`, the later write winning.
    private static func upsert(_ values: [KeyValue], table: String, modelPK: Int64, in db: Session) async throws {
        guard !values.isEmpty else { return }
        let unique = UniqueKeyed.lastWins(values, key: \.key)
        try await db.execute(SQL(
            """
            INSERT INTO \(table) (model_pk, key, value) SELECT ?, * FROM UNNEST(?::text[], ?::text[])
            ON CONFLICT (model_pk, key) DO UPDATE SET value = excluded.value
            """,
            [.integer(modelPK), .texts(unique.map(\.key)), .texts(unique.map(\.value))]))
    }

    private static func loadLoggedModel(pk: Int64, in db: Session) async throws -> LoggedModel {
        guard let model = try await loadLoggedModels(pks: [pk], in: db).first else {
            throw StoreError.notFound(.loggedModel(id: ""))
        }
        return model
    }

    /// Loads models with their tags, params and metrics, in the order of `pks`: one query per table.
    static func loadLoggedModels(pks: [Int64], in db: Session) async throws -> [LoggedModel] {
        guard !pks.isEmpty else { return [] }
        var tags = [Int64: [Tag]](), params = [Int64: [Param]](), metrics = [Int64: [ModelMetric]]()
        for (table, isTag) in [("logged_model_tags", true), ("logged_model_params", false)] {
            for row in try await db.rows(SQL("SELECT model_pk, key, value FROM \(table) WHERE model_pk = ANY(?) ORDER BY model_pk, key", pks)) {
                let entry = KeyValue(key: row.text(1), value: row.text(2))
                if isTag { tags[row.int(0), default: []].append(entry) } else { params[row.int(0), default: []].append(entry) }
            }
        }
        let rows = try await db.rows(SQL(
            """
            SELECT model_pk, model_id, experiment_id, name, artifact_location, creation_time, last_updated_time,
                   model_type, source_run_id, status, status_message
            FROM logged_models WHERE model_pk = ANY(?)
            """, pks))
        var modelIDs: [Int64: String] = [:]
        for row in rows { modelIDs[row.int(0)] = row.text(1) }
        for row in try await db.rows(SQL(
            """
            SELECT model_pk, key, timestamp, step, run_id, dataset_name, dataset_digest, value, is_nan
            FROM logged_model_metrics WHERE model_pk = ANY(?) ORDER BY model_pk, key, timestamp, step
            """, pks))
        {
            let pk = row.int(0)
            let datasetName = row.text(5), datasetDigest = row.text(6)
            metrics[pk, default: []].append(ModelMetric(
                modelID: modelIDs[pk] ?? "", runID: row.text(4),
                metric: Metric(key: row.text(1), value: StoredMetricValue.decode(value: row.double(7), isNaN: row.int(8)), timestamp: row.int(2), step: row.int(3)),
                datasetName: datasetName.isEmpty ? nil : datasetName, datasetDigest: datasetDigest.isEmpty ? nil : datasetDigest))
        }
        var byPK: [Int64: LoggedModel] = [:]
        for row in rows {
            let pk = row.int(0)
            byPK[pk] = LoggedModel(
                id: row.text(1), experimentID: ExperimentID(row.int(2)), name: row.text(3), artifactURI: row.text(4), creationTime: row.int(5),
                lastUpdatedTime: row.int(6), modelType: row.optionalText(7), sourceRunID: row.optionalText(8),
                status: Int(exactly: row.int(9)).flatMap { LoggedModelStatus(rawValue: $0) } ?? .unspecified, statusMessage: row.optionalText(10),
                tags: tags[pk] ?? [], params: params[pk] ?? [], metrics: metrics[pk] ?? [])
        }
        return pks.compactMap { byPK[$0] }
    }
}
