public import StrideDomain
public import StrideStore

extension PostgresTrackingStore {
    public func createModelVersion(_ version: NewModelVersion) async throws -> ModelVersion {
        try await database.write { db in
            let model = try await Self.requireModel(named: version.name, project: version.project, in: db)
            // The model row's lock serializes version numbering across instances; deleted versions keep
            // their rows, so their numbers are never handed out again.
            try await db.execute(SQL("SELECT 1 FROM registered_models WHERE model_pk = ? FOR UPDATE", model.pk))
            let number = (try await db.row(SQL("SELECT MAX(version) FROM model_versions WHERE model_pk = ?", model.pk))?.optionalInt(0) ?? 0) + 1
            try await db.execute(SQL(
                """
                INSERT INTO model_versions (model_pk, version, creation_time, last_updated_time, current_stage, description,
                                            source, storage_location, run_id, run_link, model_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                model.pk, number, version.creationTime, version.creationTime, ModelStage.none.rawValue, version.description,
                version.source, version.storageLocation, version.runID, version.runLink, version.modelID))
            for tag in version.tags { try await Self.upsertVersionTag(tag, model: model, version: number, in: db) }
            try await Self.touchModel(model, at: version.creationTime, in: db)
            return try await Self.loadVersion(number, of: model, in: db)
        }
    }

    public func modelVersion(model name: String, version: Int64, project: String) async throws -> ModelVersion? {
        try await database.read { db in
            guard let model = try? await Self.requireModel(named: name, project: project, in: db) else { return nil }
            return try? await Self.loadVersion(version, of: model, in: db)
        }
    }

    public func storageLocation(model name: String, version: Int64, project: String) async throws -> String {
        try await database.read { db in
            let model = try await Self.requireModel(named: name, project: project, in: db)
            try await Self.requireVersion(version, of: model, in: db)
            return try await db.row(SQL("SELECT storage_location FROM model_versions WHERE model_pk = ? AND version = ?", model.pk, version))?
                .text(0) ?? ""
        }
    }

    public func updateModelVersion(model name: String, version: Int64, description: String?, project: String, at time: Int64) async throws -> ModelVersion {
        try await database.write { db in
            let model = try await Self.requireModel(named: name, project: project, in: db)
            try await Self.requireVersion(version, of: model, in: db)
            try await db.execute(SQL(
                "UPDATE model_versions SET description = ?, last_updated_time = ? WHERE model_pk = ? AND version = ?",
                description, time, model.pk, version))
            return try await Self.loadVersion(version, of: model, in: db)
        }
    }

    public func transitionModelVersion(
        model name: String, version: Int64, to stage: ModelStage, archivingOthers: Bool, project: String, at time: Int64
    ) async throws -> ModelVersion {
        try await database.write { db in
            let model = try await Self.requireModel(named: name, project: project, in: db)
            try await Self.requireVersion(version, of: model, in: db)
            if archivingOthers {
                try await db.execute(SQL(
                    """
                    UPDATE model_versions SET current_stage = ?, last_updated_time = ?
                    WHERE model_pk = ? AND version != ? AND current_stage = ? AND deleted = 0
                    """,
                    ModelStage.archived.rawValue, time, model.pk, version, stage.rawValue))
            }
            try await db.execute(SQL(
                "UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE model_pk = ? AND version = ?",
                stage.rawValue, time, model.pk, version))
            try await Self.touchModel(model, at: time, in: db)
            return try await Self.loadVersion(version, of: model, in: db)
        }
    }

    public func deleteModelVersion(model name: String, version: Int64, project: String, at time: Int64) async throws {
        try await database.write { db in
            let model = try await Self.requireModel(named: name, project: project, in: db)
            try await Self.requireVersion(version, of: model, in: db)
            // The row stays to keep the number taken; what it said about the model goes, as in MLflow.
            try await db.execute(SQL(
                """
                UPDATE model_versions SET deleted = 1, last_updated_time = ?, description = NULL, source = 'REDACTED-SOURCE-PATH',
                    storage_location = 'REDACTED-SOURCE-PATH', run_id = 'REDACTED-RUN-ID', run_link = 'REDACTED-RUN-LINK'
                WHERE model_pk = ? AND version = ?
                """,
                time, model.pk, version))
            try await db.execute(SQL("DELETE FROM model_version_tags WHERE model_pk = ? AND version = ?", model.pk, version))
            try await db.execute(SQL("DELETE FROM registered_model_aliases WHERE model_pk = ? AND version = ?", model.pk, version))
            try await Self.touchModel(model, at: time, in: db)
        }
    }

    public func searchModelVersions(_ query: ModelVersionQuery) async throws -> ResultPage<ModelVersion> {
        var conditions = [SQL("m.project_id = (SELECT project_id FROM projects WHERE name = ?)", query.project), SQL("v.deleted = 0")]
        conditions.append(PostgresFilterSQL.condition(query.filter.tree, clause: Self.sql(for:)))
        if query.filter.excludesPrompts {
            conditions.append(Self.notPrompt(table: "model_version_tags", match: "t.model_pk = v.model_pk"))
        }
        var order = query.order.map { "\(Self.versionColumn($0.column)) \($0.ascending ? "ASC" : "DESC")" }
        if !query.order.contains(where: { $0.column == .name }) { order.append("m.name ASC") }
        if !query.order.contains(where: { $0.column == .version }) { order.append("v.version DESC") }
        let statement = SQL(Self.versionSelect + " WHERE ") + SQL.joined(conditions, separator: " AND ")
            + SQL(" ORDER BY " + order.joined(separator: ", "))
        return try await registryPage(statement, maxResults: query.maxResults, offset: query.offset) { rows, db in
            try await Self.modelVersions(from: rows, in: db)
        }
    }

    public func setModelVersionTag(model name: String, version: Int64, tag: Tag, project: String) async throws {
        try await database.write { db in
            let model = try await Self.requireModel(named: name, project: project, in: db)
            try await Self.requireVersion(version, of: model, in: db)
            try await Self.upsertVersionTag(tag, model: model, version: version, in: db)
        }
    }

    public func deleteModelVersionTag(model name: String, version: Int64, key: String, project: String) async throws {
        try await database.write { db in
            let model = try await Self.requireModel(named: name, project: project, in: db)
            try await Self.requireVersion(version, of: model, in: db)
            try await db.execute(SQL("DELETE FROM model_version_tags WHERE model_pk = ? AND version = ? AND key = ?", model.pk, version, key))
        }
    }

    // MARK: Helpers

    private static func touchModel(_ model: ModelRef, at time: Int64, in db: Session) async throws {
        try await db.execute(SQL("UPDATE registered_models SET last_updated_time = ? WHERE model_pk = ?", time, model.pk))
    }

    private static func upsertVersionTag(_ tag: Tag, model: ModelRef, version: Int64, in db: Session) async throws {
        try await db.execute(SQL(
            """
            INSERT INTO model_version_tags (model_pk, version, key, value) VALUES (?, ?, ?, ?)
            ON CONFLICT (model_pk, version, key) DO UPDATE SET value = excluded.value
            """,
            model.pk, version, tag.key, tag.value))
    }

    private static func versionColumn(_ column: RegistryOrder.Column) -> String {
        switch column {
        case .name: "m.name"
        case .version: "v.version"
        case .creationTime: "v.creation_time"
        case .lastUpdatedTime: "v.last_updated_time"
        }
    }

    private static func sql(for clause: ModelVersionFilterClause) -> SQL {
        switch clause {
        case .name(let op, let names):
            return PostgresFilterSQL.stringComparison("m.name", op, names)
        case .runID(let op, let ids):
            return PostgresFilterSQL.stringComparison("v.run_id", op, ids)
        case .source(let op, let source):
            return PostgresFilterSQL.stringComparison("v.source", op, [source])
        case .number(let column, let op, let value):
            let name = switch column {
            case .versionNumber: "v.version"
            case .creationTimestamp: "v.creation_time"
            case .lastUpdatedTimestamp: "v.last_updated_time"
            }
            return SQL("\(name) \(op.rawValue) ?", value)
        case .tag(let key, let op, let value):
            return PostgresFilterSQL.keyValueCondition(
                table: "model_version_tags", ownerColumn: "model_pk", owner: "v.model_pk AND kv.version = v.version", key: key, op: op,
                values: [value])
        }
    }
}
