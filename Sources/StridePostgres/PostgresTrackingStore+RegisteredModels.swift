public import StrideDomain
public import StrideStore

extension PostgresTrackingStore {
    public func createRegisteredModel(_ model: NewRegisteredModel) async throws -> RegisteredModel {
        try await database.write { db in
            let projectID = try await Self.projectID(named: model.project, in: db)
            guard let inserted = try await db.row(SQL(
                """
                INSERT INTO registered_models (project_id, name, description, creation_time, last_updated_time)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, name) DO NOTHING RETURNING model_pk
                """,
                projectID, model.name, model.description, model.creationTime, model.creationTime))
            else {
                throw StoreError.alreadyExists(.registeredModel(name: model.name))
            }
            let pk = inserted.int(0)
            for tag in model.tags { try await Self.upsertModelTag(tag, modelPK: pk, in: db) }
            return try await Self.loadModel(pk: pk, in: db)
        }
    }

    public func registeredModel(named name: String, project: String) async throws -> RegisteredModel? {
        try await database.read { db in
            try await Self.registeredModels(from: db.rows(SQL(Self.modelSelect + " WHERE p.name = ? AND m.name = ?", project, name)), in: db).first
        }
    }

    public func renameRegisteredModel(named name: String, to newName: String, project: String, at time: Int64) async throws -> RegisteredModel {
        try await database.write { db in
            let model = try await Self.requireModel(named: name, project: project, in: db)
            let clash = try await db.row(SQL(
                """
                SELECT 1 FROM registered_models
                WHERE project_id = (SELECT project_id FROM registered_models WHERE model_pk = ?) AND name = ? AND model_pk != ?
                """,
                model.pk, newName, model.pk))
            guard clash == nil else {
                throw StoreError.alreadyExists(.registeredModel(name: newName))
            }
            try await db.execute(SQL("UPDATE registered_models SET name = ?, last_updated_time = ? WHERE model_pk = ?", newName, time, model.pk))
            // MLflow touches every version of a renamed model.
            try await db.execute(SQL("UPDATE model_versions SET last_updated_time = ? WHERE model_pk = ?", time, model.pk))
            return try await Self.loadModel(pk: model.pk, in: db)
        }
    }

    public func updateRegisteredModel(named name: String, description: String?, project: String, at time: Int64) async throws -> RegisteredModel {
        try await database.write { db in
            let model = try await Self.requireModel(named: name, project: project, in: db)
            try await db.execute(SQL(
                "UPDATE registered_models SET description = ?, last_updated_time = ? WHERE model_pk = ?", description, time, model.pk))
            return try await Self.loadModel(pk: model.pk, in: db)
        }
    }

    public func deleteRegisteredModel(named name: String, project: String) async throws {
        try await database.write { db in
            let model = try await Self.requireModel(named: name, project: project, in: db)
            for table in ["model_version_tags", "model_versions", "registered_model_aliases", "registered_model_tags", "registered_models"] {
                try await db.execute(SQL("DELETE FROM \(table) WHERE model_pk = ?", model.pk))
            }
        }
    }

    public func searchRegisteredModels(_ query: RegisteredModelQuery) async throws -> ResultPage<RegisteredModel> {
        var conditions = [SQL("p.name = ?", query.project)]
        conditions.append(PostgresFilterSQL.condition(query.filter.tree, clause: Self.sql(for:)))
        if query.filter.excludesPrompts {
            conditions.append(Self.notPrompt(table: "registered_model_tags", match: "t.model_pk = m.model_pk"))
        }
        var order = query.order.map { "m.\(Self.modelColumn($0.column)) \($0.ascending ? "ASC" : "DESC")" }
        if !query.order.contains(where: { $0.column == .name }) { order.append("m.name ASC") }
        let statement = SQL(Self.modelSelect + " WHERE ") + SQL.joined(conditions, separator: " AND ")
            + SQL(" ORDER BY " + order.joined(separator: ", "))
        return try await registryPage(statement, maxResults: query.maxResults, offset: query.offset) { rows, db in
            try await Self.registeredModels(from: rows, in: db)
        }
    }

    public func setRegisteredModelTag(named name: String, tag: Tag, project: String) async throws {
        try await database.write { db in
            let model = try await Self.requireModel(named: name, project: project, in: db)
            try await Self.upsertModelTag(tag, modelPK: model.pk, in: db)
        }
    }

    public func deleteRegisteredModelTag(named name: String, key: String, project: String) async throws {
        try await database.write { db in
            let model = try await Self.requireModel(named: name, project: project, in: db)
            try await db.execute(SQL("DELETE FROM registered_model_tags WHERE model_pk = ? AND key = ?", model.pk, key))
        }
    }

    public func setAlias(_ alias: String, model name: String, version: Int64, project: String) async throws {
        try await database.write { db in
            let model = try await Self.requireModel(named: name, project: project, in: db)
            try await Self.requireVersion(version, of: model, in: db)
            try await db.execute(SQL(
                """
                INSERT INTO registered_model_aliases (model_pk, alias, version) VALUES (?, ?, ?)
                ON CONFLICT (model_pk, alias) DO UPDATE SET version = excluded.version
                """,
                model.pk, alias, version))
        }
    }

    public func deleteAlias(_ alias: String, model name: String, project: String) async throws {
        try await database.write { db in
            let model = try await Self.requireModel(named: name, project: project, in: db)
            try await db.execute(SQL("DELETE FROM registered_model_aliases WHERE model_pk = ? AND alias = ?", model.pk, alias))
        }
    }

    public func modelVersion(alias: String, model name: String, project: String) async throws -> ModelVersion? {
        try await database.read { db in
            let model = try await Self.requireModel(named: name, project: project, in: db)
            guard let version = try await db.row(SQL(
                "SELECT version FROM registered_model_aliases WHERE model_pk = ? AND alias = ?", model.pk, alias))?.int(0)
            else { return nil }
            return try await Self.loadVersion(version, of: model, in: db)
        }
    }

    // MARK: Helpers

    static func upsertModelTag(_ tag: Tag, modelPK: Int64, in db: Session) async throws {
        try await db.execute(SQL(
            """
            INSERT INTO registered_model_tags (model_pk, key, value) VALUES (?, ?, ?)
            ON CONFLICT (model_pk, key) DO UPDATE SET value = excluded.value
            """,
            modelPK, tag.key, tag.value))
    }

    /// Leaves out prompts: rows whose model carries `mlflow.prompt.is_prompt = 'true'`.
    static func notPrompt(table: String, match: String) -> SQL {
        SQL("NOT EXISTS (SELECT 1 FROM \(table) t WHERE \(match) AND t.key = ? AND t.value = 'true')", RegistryValidation.promptTagKey)
    }

    static func modelColumn(_ column: RegistryOrder.Column) -> String {
        switch column {
        case .name: "name"
        case .creationTime: "creation_time"
        case .lastUpdatedTime, .version: "last_updated_time"
        }
    }

    private static func sql(for clause: RegisteredModelFilterClause) -> SQL {
        switch clause {
        case .name(let op, let names):
            return PostgresFilterSQL.stringComparison("m.name", op, names)
        case .tag(let key, let op, let value):
            return PostgresFilterSQL.keyValueCondition(
                table: "registered_model_tags", ownerColumn: "model_pk", owner: "m.model_pk", key: key, op: op, values: [value])
        }
    }
}
