import GRDB
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore {
    public func createRegisteredModel(_ model: NewRegisteredModel) async throws -> RegisteredModel {
        try await pool.write { db in
            let projectID = try Self.projectID(named: model.project, in: db)
            let taken = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM registered_models WHERE project_id = ? AND name = ?", arguments: [projectID, model.name]) ?? false
            guard !taken else {
                throw StoreError.alreadyExists(.registeredModel(name: model.name))
            }
            try db.execute(
                sql: """
                    INSERT INTO registered_models (project_id, name, description, creation_time, last_updated_time)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [projectID, model.name, model.description, model.creationTime, model.creationTime])
            let pk = db.lastInsertedRowID
            for tag in model.tags { try Self.upsertModelTag(tag, modelPK: pk, in: db) }
            return try Self.loadModel(pk: pk, in: db)
        }
    }

    public func registeredModel(named name: String, project: String) async throws -> RegisteredModel? {
        try readNow { db in
            try Self.registeredModels(
                from: Row.fetchAll(db.cachedStatement(sql: Self.modelSelect + " WHERE p.name = ? AND m.name = ?"), arguments: [project, name]),
                in: db
            ).first
        }
    }

    public func renameRegisteredModel(named name: String, to newName: String, project: String, at time: Int64) async throws -> RegisteredModel {
        try await pool.write { db in
            let model = try Self.requireModel(named: name, project: project, in: db)
            let clash = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM registered_models WHERE project_id = (SELECT project_id FROM registered_models WHERE model_pk = ?) AND name = ? AND model_pk != ?",
                arguments: [model.pk, newName, model.pk]) ?? false
            guard !clash else {
                throw StoreError.alreadyExists(.registeredModel(name: newName))
            }
            try db.execute(
                sql: "UPDATE registered_models SET name = ?, last_updated_time = ? WHERE model_pk = ?", arguments: [newName, time, model.pk])
            // MLflow touches every version of a renamed model.
            try db.execute(sql: "UPDATE model_versions SET last_updated_time = ? WHERE model_pk = ?", arguments: [time, model.pk])
            return try Self.loadModel(pk: model.pk, in: db)
        }
    }

    public func updateRegisteredModel(named name: String, description: String?, project: String, at time: Int64) async throws -> RegisteredModel {
        try await pool.write { db in
            let model = try Self.requireModel(named: name, project: project, in: db)
            try db.execute(
                sql: "UPDATE registered_models SET description = ?, last_updated_time = ? WHERE model_pk = ?",
                arguments: [description, time, model.pk])
            return try Self.loadModel(pk: model.pk, in: db)
        }
    }

    public func deleteRegisteredModel(named name: String, project: String) async throws {
        try await pool.write { db in
            let model = try Self.requireModel(named: name, project: project, in: db)
            for table in ["model_version_tags", "model_versions", "registered_model_aliases", "registered_model_tags", "registered_models"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE model_pk = ?", arguments: [model.pk])
            }
        }
    }

    public func searchRegisteredModels(_ query: RegisteredModelQuery) async throws -> ResultPage<RegisteredModel> {
        var conditions = [SQLFragment("p.name = ?", [query.project.databaseValue])]
        conditions.append(FilterSQL.condition(query.filter.tree, clause: Self.sql(for:)))
        if query.filter.excludesPrompts {
            conditions.append(Self.notPrompt(table: "registered_model_tags", match: "t.model_pk = m.model_pk"))
        }
        var order = query.order.map { "m.\(Self.modelColumn($0.column)) \($0.ascending ? "ASC" : "DESC")" }
        if !query.order.contains(where: { $0.column == .name }) { order.append("m.name ASC") }
        let filter = SQLFragment.joined(conditions, separator: " AND ")
        return try registryPage(
            Self.modelSelect + " WHERE " + filter.sql + " ORDER BY " + order.joined(separator: ", "), filter,
            maxResults: query.maxResults, offset: query.offset
        ) { rows, db in try Self.registeredModels(from: Array(rows), in: db) }
    }

    public func setRegisteredModelTag(named name: String, tag: Tag, project: String) async throws {
        try await pool.write { db in
            let model = try Self.requireModel(named: name, project: project, in: db)
            try Self.upsertModelTag(tag, modelPK: model.pk, in: db)
        }
    }

    public func deleteRegisteredModelTag(named name: String, key: String, project: String) async throws {
        try await pool.write { db in
            let model = try Self.requireModel(named: name, project: project, in: db)
            try db.execute(sql: "DELETE FROM registered_model_tags WHERE model_pk = ? AND key = ?", arguments: [model.pk, key])
        }
    }

    public func setAlias(_ alias: String, model name: String, version: Int64, project: String) async throws {
        try await pool.write { db in
            let model = try Self.requireModel(named: name, project: project, in: db)
            try Self.requireVersion(version, of: model, in: db)
            try db.execute(
                sql: """
                    INSERT INTO registered_model_aliases (model_pk, alias, version) VALUES (?, ?, ?)
                    ON CONFLICT (model_pk, alias) DO UPDATE SET version = excluded.version
                    """,
                arguments: [model.pk, alias, version])
        }
    }

    public func deleteAlias(_ alias: String, model name: String, project: String) async throws {
        try await pool.write { db in
            let model = try Self.requireModel(named: name, project: project, in: db)
            try db.execute(sql: "DELETE FROM registered_model_aliases WHERE model_pk = ? AND alias = ?", arguments: [model.pk, alias])
        }
    }

    public func modelVersion(alias: String, model name: String, project: String) async throws -> ModelVersion? {
        try readNow { db in
            let model = try Self.requireModel(named: name, project: project, in: db)
            guard let version = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT version FROM registered_model_aliases WHERE model_pk = ? AND alias = ?"),
                arguments: [model.pk, alias])
            else { return nil }
            return try Self.loadVersion(version, of: model, in: db)
        }
    }

    // MARK: Helpers

    static func upsertModelTag(_ tag: Tag, modelPK: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO registered_model_tags (model_pk, key, value) VALUES (?, ?, ?)
                ON CONFLICT (model_pk, key) DO UPDATE SET value = excluded.value
                """,
            arguments: [modelPK, tag.key, tag.value])
    }

    /// Leaves out prompts: rows whose model carries `mlflow.prompt.is_prompt = 'true'`.
    static func notPrompt(table: String, match: String) -> SQLFragment {
        SQLFragment(
            "NOT EXISTS (SELECT 1 FROM \(table) t WHERE \(match) AND t.key = ? AND t.value = 'true')",
            [RegistryValidation.promptTagKey.databaseValue])
    }

    static func modelColumn(_ column: RegistryOrder.Column) -> String {
        switch column {
        case .name: "name"
        case .creationTime: "creation_time"
        case .lastUpdatedTime, .version: "last_updated_time"
        }
    }

    private static func sql(for clause: RegisteredModelFilterClause) -> SQLFragment {
        switch clause {
        case .name(let op, let names):
            return FilterSQL.stringComparison("m.name", op, names)
        case .tag(let key, let op, let value):
            return FilterSQL.keyValueCondition(
                table: "registered_model_tags", ownerColumn: "model_pk", owner: "m.model_pk", key: key, op: op, values: [value])
        }
    }
}
