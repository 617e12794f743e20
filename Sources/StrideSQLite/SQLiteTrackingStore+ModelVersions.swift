import GRDB
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore {
    public func createModelVersion(_ version: NewModelVersion) async throws -> ModelVersion {
        try await pool.write { db in
            let model = try Self.requireModel(named: version.name, project: version.project, in: db)
            // Deleted versions keep their rows, so their numbers are never handed out again.
            let number = (try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT MAX(version) FROM model_versions WHERE model_pk = ?"), arguments: [model.pk]) ?? 0) + 1
            try db.execute(
                sql: """
                    INSERT INTO model_versions (model_pk, version, creation_time, last_updated_time, current_stage, description,
                                                source, storage_location, run_id, run_link, model_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    model.pk, number, version.creationTime, version.creationTime, ModelStage.none.rawValue, version.description,
                    version.source, version.storageLocation, version.runID, version.runLink, version.modelID,
                ])
            for tag in version.tags { try Self.upsertVersionTag(tag, model: model, version: number, in: db) }
            try Self.touchModel(model, at: version.creationTime, in: db)
            return try Self.loadVersion(number, of: model, in: db)
        }
    }

    public func modelVersion(model name: String, version: Int64, project: String) async throws -> ModelVersion? {
        try readNow { db in
            guard let model = try? Self.requireModel(named: name, project: project, in: db) else { return nil }
            return try? Self.loadVersion(version, of: model, in: db)
        }
    }

    public func storageLocation(model name: String, version: Int64, project: String) async throws -> String {
        try readNow { db in
            let model = try Self.requireModel(named: name, project: project, in: db)
            try Self.requireVersion(version, of: model, in: db)
            return try String.fetchOne(
                db.cachedStatement(sql: "SELECT storage_location FROM model_versions WHERE model_pk = ? AND version = ?"),
                arguments: [model.pk, version]) ?? ""
        }
    }

    public func updateModelVersion(model name: String, version: Int64, description: String?, project: String, at time: Int64) async throws -> ModelVersion {
        try await pool.write { db in
            let model = try Self.requireModel(named: name, project: project, in: db)
            try Self.requireVersion(version, of: model, in: db)
            try db.execute(
                sql: "UPDATE model_versions SET description = ?, last_updated_time = ? WHERE model_pk = ? AND version = ?",
                arguments: [description, time, model.pk, version])
            return try Self.loadVersion(version, of: model, in: db)
        }
    }

    public func transitionModelVersion(
        model name: String, version: Int64, to stage: ModelStage, archivingOthers: Bool, project: String, at time: Int64
    ) async throws -> ModelVersion {
        try await pool.write { db in
            let model = try Self.requireModel(named: name, project: project, in: db)
            try Self.requireVersion(version, of: model, in: db)
            if archivingOthers {
                try db.execute(
                    sql: """
                        UPDATE model_versions SET current_stage = ?, last_updated_time = ?
                        WHERE model_pk = ? AND version != ? AND current_stage = ? AND deleted = 0
                        """,
                    arguments: [ModelStage.archived.rawValue, time, model.pk, version, stage.rawValue])
            }
            try db.execute(
                sql: "UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE model_pk = ? AND version = ?",
                arguments: [stage.rawValue, time, model.pk, version])
            try Self.touchModel(model, at: time, in: db)
            return try Self.loadVersion(version, of: model, in: db)
        }
    }

    public func deleteModelVersion(model name: String, version: Int64, project: String, at time: Int64) async throws {
        try await pool.write { db in
            let model = try Self.requireModel(named: name, project: project, in: db)
            try Self.requireVersion(version, of: model, in: db)
            // The row stays to keep the number taken; what it said about the model goes, as in MLflow.
            try db.execute(
                sql: """
                    UPDATE model_versions SET deleted = 1, last_updated_time = ?, description = NULL, source = 'REDACTED-SOURCE-PATH',
                        storage_location = 'REDACTED-SOURCE-PATH', run_id = 'REDACTED-RUN-ID', run_link = 'REDACTED-RUN-LINK'
                    WHERE model_pk = ? AND version = ?
                    """,
                arguments: [time, model.pk, version])
            try db.execute(sql: "DELETE FROM model_version_tags WHERE model_pk = ? AND version = ?", arguments: [model.pk, version])
            try db.execute(sql: "DELETE FROM registered_model_aliases WHERE model_pk = ? AND version = ?", arguments: [model.pk, version])
            try Self.touchModel(model, at: time, in: db)
        }
    }

    public func searchModelVersions(_ query: ModelVersionQuery) async throws -> ResultPage<ModelVersion> {
        var conditions = [
            SQLFragment("m.project_id = (SELECT project_id FROM projects WHERE name = ?)", [query.project.databaseValue]),
            SQLFragment("v.deleted = 0"),
        ]
        conditions.append(FilterSQL.condition(query.filter.tree, clause: Self.sql(for:)))
        if query.filter.excludesPrompts {
            conditions.append(Self.notPrompt(table: "model_version_tags", match: "t.model_pk = v.model_pk"))
        }
        var order = query.order.map { "\(Self.versionColumn($0.column)) \($0.ascending ? "ASC" : "DESC")" }
        if !query.order.contains(where: { $0.column == .name }) { order.append("m.name ASC") }
        if !query.order.contains(where: { $0.column == .version }) { order.append("v.version DESC") }
        let filter = SQLFragment.joined(conditions, separator: " AND ")
        return try registryPage(
            Self.versionSelect + " WHERE " + filter.sql + " ORDER BY " + order.joined(separator: ", "), filter,
            maxResults: query.maxResults, offset: query.offset
        ) { rows, db in try Self.modelVersions(from: Array(rows), in: db) }
    }

    public func setModelVersionTag(model name: String, version: Int64, tag: Tag, project: String) async throws {
        try await pool.write { db in
            let model = try Self.requireModel(named: name, project: project, in: db)
            try Self.requireVersion(version, of: model, in: db)
            try Self.upsertVersionTag(tag, model: model, version: version, in: db)
        }
    }

    public func deleteModelVersionTag(model name: String, version: Int64, key: String, project: String) async throws {
        try await pool.write { db in
            let model = try Self.requireModel(named: name, project: project, in: db)
            try Self.requireVersion(version, of: model, in: db)
            try db.execute(
                sql: "DELETE FROM model_version_tags WHERE model_pk = ? AND version = ? AND key = ?", arguments: [model.pk, version, key])
        }
    }

    // MARK: Helpers

    private static func touchModel(_ model: ModelRef, at time: Int64, in db: Database) throws {
        try db.execute(sql: "UPDATE registered_models SET last_updated_time = ? WHERE model_pk = ?", arguments: [time, model.pk])
    }

    private static func upsertVersionTag(_ tag: Tag, model: ModelRef, version: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO model_version_tags (model_pk, version, key, value) VALUES (?, ?, ?, ?)
                ON CONFLICT (model_pk, version, key) DO UPDATE SET value = excluded.value
                """,
            arguments: [model.pk, version, tag.key, tag.value])
    }

    private static func versionColumn(_ column: RegistryOrder.Column) -> String {
        switch column {
        case .name: "m.name"
        case .version: "v.version"
        case .creationTime: "v.creation_time"
        case .lastUpdatedTime: "v.last_updated_time"
        }
    }

    private static func sql(for clause: ModelVersionFilterClause) -> SQLFragment {
        switch clause {
        case .name(let op, let names):
            return FilterSQL.stringComparison("m.name", op, names)
        case .runID(let op, let ids):
            return FilterSQL.stringComparison("v.run_id", op, ids)
        case .source(let op, let source):
            return FilterSQL.stringComparison("v.source", op, [source])
        case .number(let column, let op, let value):
            let name = switch column {
            case .versionNumber: "v.version"
            case .creationTimestamp: "v.creation_time"
            case .lastUpdatedTimestamp: "v.last_updated_time"
            }
            return SQLFragment("\(name) \(op.rawValue) ?", [value.databaseValue])
        case .tag(let key, let op, let value):
            return FilterSQL.keyValueCondition(
                table: "model_version_tags", ownerColumn: "model_pk", owner: "v.model_pk AND kv.version = v.version", key: key, op: op,
                values: [value])
        }
    }
}
