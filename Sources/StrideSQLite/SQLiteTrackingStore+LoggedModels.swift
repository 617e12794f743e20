import GRDB
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore: LoggedModelStore {
    public func createLoggedModel(_ model: NewLoggedModel) async throws -> LoggedModel {
        try await pool.write { db in
            let exists = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM experiments WHERE experiment_id = ?", arguments: [model.experimentID.value]) ?? false
            guard exists else { throw StrideError.notFound("No Experiment with id=\(model.experimentID) exists") }
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
                throw StrideError.notFound("No tag with key '\(key)' found for model with ID '\(id)'.")
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

    public func loggedModels(experimentIDs: [ExperimentID]) async throws -> [LoggedModel] {
        try readNow { db in
            try Self.loadLoggedModels(
                where: "experiment_id IN (SELECT value FROM json_each(?)) AND deleted = 0",
                ["[" + experimentIDs.map { String($0.value) }.joined(separator: ",") + "]"], in: db)
        }
    }

    // MARK: Helpers

    private static func requireLoggedModel(id: String, in db: Database) throws -> Int64 {
        guard let pk = try Int64.fetchOne(db, sql: "SELECT model_pk FROM logged_models WHERE model_id = ? AND deleted = 0", arguments: [id]) else {
            throw StrideError.notFound("Logged model with ID '\(id)' not found.")
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

    /// Loads the models matching `condition` (fixed SQL text; values bound) with their tags and params.
    private static func loadLoggedModels(where condition: String, _ arguments: [any DatabaseValueConvertible], in db: Database) throws -> [LoggedModel] {
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT model_pk, model_id, experiment_id, name, artifact_location, creation_time, last_updated_time,
                       model_type, source_run_id, status, status_message
                FROM logged_models WHERE \(condition) ORDER BY model_pk
                """),
            arguments: StatementArguments(arguments))
        guard !rows.isEmpty else { return [] }
        let pks: [Int64] = rows.map { $0["model_pk"] }
        let keys = "[" + pks.map(String.init).joined(separator: ",") + "]"
        var tags = [Int64: [Tag]](), params = [Int64: [Param]]()
        for (table, target) in [("logged_model_tags", 0), ("logged_model_params", 1)] {
            let valueRows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT model_pk, key, value FROM \(table) WHERE model_pk IN (SELECT value FROM json_each(?)) ORDER BY model_pk, key"),
                arguments: [keys])
            for row in valueRows {
                let entry = KeyValue(key: row["key"], value: row["value"])
                if target == 0 { tags[row["model_pk"], default: []].append(entry) } else { params[row["model_pk"], default: []].append(entry) }
            }
        }
        return rows.map { row in
            let pk: Int64 = row["model_pk"]
            return LoggedModel(
                id: row["model_id"], experimentID: ExperimentID(row["experiment_id"]), name: row["name"],
                artifactURI: row["artifact_location"], creationTime: row["creation_time"], lastUpdatedTime: row["last_updated_time"],
                modelType: row["model_type"], sourceRunID: row["source_run_id"],
                status: LoggedModelStatus(rawValue: row["status"]) ?? .unspecified, statusMessage: row["status_message"],
                tags: tags[pk] ?? [], params: params[pk] ?? [])
        }
    }
}
