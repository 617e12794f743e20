import GRDB
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore {
    public func createLoggedModel(_ model: NewLoggedModel) async throws -> LoggedModel {
        try await pool.write { db in
            let exists = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM experiments WHERE experiment_id = ?", arguments: [model.experimentID.value]) ?? false
            guard exists else { throw StoreError.notFound(.experiment(model.experimentID)) }
            try db.execute(
                sql: """
                    INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_time, last_updated_time,
                                               model_type, source_run_id, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    model.id, model.experimentID.value, model.name, model.artifactURI, model.creationTime, model.creationTime,
                    model.modelType, model.sourceRunID, LoggedModelStatus.pending.rawValue,
                ])
            let pk = db.lastInsertedRowID
            try Self.upsert(model.tags, table: "logged_model_tags", modelPK: pk, in: db)
            try Self.upsert(model.params, table: "logged_model_params", modelPK: pk, in: db)
            return try Self.loadLoggedModels(where: "model_pk = ?", [pk], in: db)[0]
        }
    }

    public func loggedModel(id: String, allowDeleted: Bool) async throws -> LoggedModel? {
        try readNow { db in
            try Self.loadLoggedModels(where: allowDeleted ? "model_id = ?" : "model_id = ? AND deleted = 0", [id], in: db).first
        }
    }

    public func loggedModelExperiment(id: String) async throws -> ExperimentID? {
        try readNow { db in
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT experiment_id FROM logged_models WHERE model_id = ? AND deleted = 0"), arguments: [id]
            ).map(ExperimentID.init)
        }
    }

    public func finalizeLoggedModel(id: String, status: LoggedModelStatus, at time: Int64) async throws -> LoggedModel {
        try await pool.write { db in
            let pk = try Self.requireLoggedModel(id: id, in: db)
            try db.execute(
                sql: "UPDATE logged_models SET status = ?, last_updated_time = ? WHERE model_pk = ?", arguments: [status.rawValue, time, pk])
            return try Self.loadLoggedModels(where: "model_pk = ?", [pk], in: db)[0]
        }
    }

    public func deleteLoggedModel(id: String, at time: Int64) async throws {
        try await pool.write { db in
            let pk = try Self.requireLoggedModel(id: id, in: db)
            try db.execute(sql: "UPDATE logged_models SET deleted = 1, last_updated_time = ? WHERE model_pk = ?", arguments: [time, pk])
        }
    }

    public func setLoggedModelTags(id: String, tags: [Tag], at time: Int64) async throws {
        try await pool.write { db in
            let pk = try Self.requireLoggedModel(id: id, in: db)
            try Self.upsert(tags, table: "logged_model_tags", modelPK: pk, in: db)
            try db.execute(sql: "UPDATE logged_models SET last_updated_time = ? WHERE model_pk = ?", arguments: [time, pk])
        }
    }

    public func deleteLoggedModelTag(id: String, key: String) async throws {
        try await pool.write { db in
            let pk = try Self.requireLoggedModel(id: id, in: db)
            try db.execute(sql: "DELETE FROM logged_model_tags WHERE model_pk = ? AND key = ?", arguments: [pk, key])
            guard db.changesCount > 0 else {
                throw StoreError.notFound(.loggedModelTag(model: id, key: key))
            }
        }
    }

    public func logLoggedModelParams(id: String, params: [Param], at time: Int64) async throws {
        try await pool.write { db in
            let pk = try Self.requireLoggedModel(id: id, in: db)
            try Self.upsert(params, table: "logged_model_params", modelPK: pk, in: db)
            try db.execute(sql: "UPDATE logged_models SET last_updated_time = ? WHERE model_pk = ?", arguments: [time, pk])
        }
    }

    public func searchLoggedModels(_ query: LoggedModelQuery) async throws -> ResultPage<LoggedModel> {
        let plan = LoggedModelSearchSQL(query)
        return try readNow { db in
            let pks = try Int64.fetchAll(db, sql: plan.sql, arguments: StatementArguments(plan.arguments))
            let models = try Self.loadLoggedModels(pks: Array(pks.prefix(query.maxResults)), in: db)
            return ResultPage(items: models, nextOffset: pks.count > query.maxResults ? query.offset + query.maxResults : nil)
        }
    }

    /// Stores points logged with a `model_id` beside the run's own metrics (same transaction).
    /// An exact repeat of a point is ignored, as the run's metrics table does.
    ///
    /// Only models of the run's own project are found: another project's model is "not found"
    /// exactly as an unknown id, and the whole batch is refused with nothing written.
    static func insertModelMetrics(_ metrics: [ModelMetric], runID: String, in db: Database) throws {
        let ids = Array(Set(metrics.map(\.modelID)))
        var pks: [String: Int64] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT m.model_id, m.model_pk FROM logged_models m JOIN experiments e USING (experiment_id)
                WHERE m.model_id IN (SELECT value FROM json_each(?)) AND m.deleted = 0
                  AND e.project_id = (SELECT re.project_id FROM runs r JOIN experiments re USING (experiment_id) WHERE r.run_uuid = ?)
                """),
            arguments: [JSONText.array(ids), runID])
        {
            pks[row[0]] = row[1]
        }
        var values: [DatabaseValue] = []
        values.reserveCapacity(metrics.count * 9)
        for point in metrics {
            guard let pk = pks[point.modelID] else { throw StoreError.notFound(.loggedModel(id: point.modelID)) }
            let stored = StoredMetricValue.encode(point.metric.value)
            values += [
                pk.databaseValue, point.metric.key.databaseValue, point.metric.timestamp.databaseValue, point.metric.step.databaseValue,
                runID.databaseValue, (point.datasetName ?? "").databaseValue, (point.datasetDigest ?? "").databaseValue,
                stored.value.databaseValue, stored.isNaN.databaseValue,
            ]
        }
        try modelMetricInsert.execute(values, in: db)
    }

    static let modelMetricInsert = MultiRowInsert(
        head: "INSERT INTO logged_model_metrics (model_pk, key, timestamp, step, run_id, dataset_name, dataset_digest, value, is_nan) VALUES",
        tail: "ON CONFLICT DO NOTHING", columns: 9)

    // MARK: Helpers

    private static func requireLoggedModel(id: String, in db: Database) throws -> Int64 {
        guard let pk = try Int64.fetchOne(db, sql: "SELECT model_pk FROM logged_models WHERE model_id = ? AND deleted = 0", arguments: [id]) else {
            throw StoreError.notFound(.loggedModel(id: id))
        }
        return pk
    }

    /// Tags and params share one shape: `(model_pk, key, value)`, the later write winning.
    private static func upsert(_ values: [KeyValue], table: String, modelPK: Int64, in db: Database) throws {
        for value in values {
            try db.execute(
                sql: "INSERT INTO \(table) (model_pk, key, value) VALUES (?, ?, ?) ON CONFLICT (model_pk, key) DO UPDATE SET value = excluded.value",
                arguments: [modelPK, value.key, value.value])
        }
    }

    /// Loads the models matching `condition` (fixed SQL text; values bound).
    private static func loadLoggedModels(where condition: String, _ arguments: [any DatabaseValueConvertible], in db: Database) throws -> [LoggedModel] {
        let pks = try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT model_pk FROM logged_models WHERE \(condition) ORDER BY model_pk"), arguments: StatementArguments(arguments))
        return try loadLoggedModels(pks: pks, in: db)
    }

    /// Loads models with their tags, params and metrics, in the order of `pks`: one query per table.
    static func loadLoggedModels(pks: [Int64], in db: Database) throws -> [LoggedModel] {
        guard !pks.isEmpty else { return [] }
        let keys = jsonArray(pks)
        var tags = [Int64: [Tag]](), params = [Int64: [Param]](), metrics = [Int64: [ModelMetric]]()
        for (table, isTag) in [("logged_model_tags", true), ("logged_model_params", false)] {
            let valueRows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT model_pk, key, value FROM \(table) WHERE model_pk IN (SELECT value FROM json_each(?)) ORDER BY model_pk, key"),
                arguments: [keys])
            while let row = try valueRows.next() {
                let entry = KeyValue(key: row[1], value: row[2])
                if isTag { tags[row[0], default: []].append(entry) } else { params[row[0], default: []].append(entry) }
            }
        }
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT model_pk, model_id, experiment_id, name, artifact_location, creation_time, last_updated_time,
                       model_type, source_run_id, status, status_message
                FROM logged_models WHERE model_pk IN (SELECT value FROM json_each(?))
                """),
            arguments: [keys])
        var modelIDs: [Int64: String] = [:]
        for row in rows { modelIDs[row[0]] = row[1] }
        let metricRows = try Row.fetchCursor(
            db.cachedStatement(sql: """
                SELECT model_pk, key, timestamp, step, run_id, dataset_name, dataset_digest, value, is_nan
                FROM logged_model_metrics WHERE model_pk IN (SELECT value FROM json_each(?)) ORDER BY model_pk, key, timestamp, step
                """),
            arguments: [keys])
        while let row = try metricRows.next() {
            let pk: Int64 = row[0]
            let datasetName: String = row[5], datasetDigest: String = row[6]
            metrics[pk, default: []].append(ModelMetric(
                modelID: modelIDs[pk] ?? "", runID: row[4],
                metric: Metric(key: row[1], value: StoredMetricValue.decode(value: row[7], isNaN: row[8]), timestamp: row[2], step: row[3]),
                datasetName: datasetName.isEmpty ? nil : datasetName, datasetDigest: datasetDigest.isEmpty ? nil : datasetDigest))
        }
        var byPK: [Int64: LoggedModel] = [:]
        for row in rows {
            let pk: Int64 = row[0]
            byPK[pk] = LoggedModel(
                id: row[1], experimentID: ExperimentID(row[2]), name: row[3], artifactURI: row[4], creationTime: row[5], lastUpdatedTime: row[6],
                modelType: row[7], sourceRunID: row[8], status: LoggedModelStatus(rawValue: row[9]) ?? .unspecified, statusMessage: row[10],
                tags: tags[pk] ?? [], params: params[pk] ?? [], metrics: metrics[pk] ?? [])
        }
        return pks.compactMap { byPK[$0] }
    }
}
