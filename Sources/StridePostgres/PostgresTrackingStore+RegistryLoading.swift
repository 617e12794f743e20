import StrideDomain
import StrideStore

/// Reading registry rows into entities, as the SQLite store does: each list of models or versions
/// loads its tags, aliases and latest versions with one query per table, whatever the page size.
extension PostgresTrackingStore {
    static let modelSelect = """
        SELECT m.model_pk, m.name, m.description, m.creation_time, m.last_updated_time, p.name AS project
        FROM registered_models m JOIN projects p ON p.project_id = m.project_id
        """

    static let versionColumns = """
        v.model_pk, m.name, v.version, v.creation_time, v.last_updated_time, v.current_stage, v.description,
        v.source, v.run_id, v.run_link, v.model_id
        """

    static let versionSelect = "SELECT \(versionColumns) FROM model_versions v JOIN registered_models m ON m.model_pk = v.model_pk"

    struct ModelRef {
        var pk: Int64
        var name: String
    }

    static func requireModel(named name: String, project: String, in db: Session) async throws -> ModelRef {
        guard let row = try await db.row(SQL(
            "SELECT m.model_pk FROM registered_models m JOIN projects p ON p.project_id = m.project_id WHERE p.name = ? AND m.name = ?",
            project, name))
        else {
            throw StoreError.notFound(.registeredModel(name: name))
        }
        return ModelRef(pk: row.int(0), name: name)
    }

    /// Checks the version exists and is not deleted.
    static func requireVersion(_ version: Int64, of model: ModelRef, in db: Session) async throws {
        guard try await db.row(SQL("SELECT 1 FROM model_versions WHERE model_pk = ? AND version = ? AND deleted = 0", model.pk, version)) != nil
        else {
            throw StoreError.notFound(.modelVersion(model: model.name, version: version))
        }
    }

    static func loadModel(pk: Int64, in db: Session) async throws -> RegisteredModel {
        guard let model = try await registeredModels(from: db.rows(SQL(modelSelect + " WHERE m.model_pk = ?", pk)), in: db).first else {
            throw StoreError.notFound(.registeredModel(name: ""))
        }
        return model
    }

    static func loadVersion(_ version: Int64, of model: ModelRef, in db: Session) async throws -> ModelVersion {
        try await requireVersion(version, of: model, in: db)
        guard let loaded = try await modelVersions(
            from: db.rows(SQL(versionSelect + " WHERE v.model_pk = ? AND v.version = ?", model.pk, version)), in: db
        ).first else {
            throw StoreError.notFound(.modelVersion(model: model.name, version: version))
        }
        return loaded
    }

    /// Runs a search statement with `LIMIT ? OFFSET ?` appended and loads one page: one row more
    /// than the page tells whether a next page exists.
    func registryPage<Item: Sendable>(
        _ statement: SQL, maxResults: Int, offset: Int, load: @Sendable @escaping ([SQLRow], Session) async throws -> [Item]
    ) async throws -> ResultPage<Item> {
        let paged = statement + SQL(" LIMIT ? OFFSET ?", maxResults + 1, offset)
        return try await database.read { db in
            let rows = try await db.rows(paged)
            let items = try await load(Array(rows.prefix(maxResults)), db)
            return ResultPage(items: items, nextOffset: rows.count > maxResults ? offset + maxResults : nil)
        }
    }

    static func registeredModels(from rows: [SQLRow], in db: Session) async throws -> [RegisteredModel] {
        guard !rows.isEmpty else { return [] }
        let keys = rows.map { $0.int(0) }
        var tags: [Int64: [Tag]] = [:]
        for row in try await db.rows(SQL("SELECT model_pk, key, value FROM registered_model_tags WHERE model_pk = ANY(?) ORDER BY key", keys)) {
            tags[row.int(0), default: []].append(Tag(key: row.text(1), value: row.text(2)))
        }
        let aliases = try await modelAliases(keys, in: db)
        // The newest live version in each stage, as MLflow's `latest_versions`.
        var latest: [Int64: [ModelVersion]] = [:]
        var versions = try await db.rows(SQL(
            """
            SELECT \(versionColumns)
            FROM model_versions v JOIN registered_models m ON m.model_pk = v.model_pk
            WHERE v.model_pk = ANY(?) AND v.deleted = 0 AND NOT EXISTS (
                SELECT 1 FROM model_versions later
                WHERE later.model_pk = v.model_pk AND later.version > v.version
                  AND later.current_stage = v.current_stage AND later.deleted = 0)
            ORDER BY v.model_pk, v.version
            """, keys)
        ).map { version(from: $0, modelAliases: aliases) }
        try await attachTags(to: &versions, in: db)
        for version in versions {
            latest[version.modelPK, default: []].append(version.entity)
        }
        return rows.map { row in
            let pk = row.int(0)
            return RegisteredModel(
                name: row.text(1), description: row.optionalText(2), creationTime: row.int(3), lastUpdatedTime: row.int(4),
                latestVersions: latest[pk] ?? [], tags: tags[pk] ?? [], aliases: aliases[pk] ?? [], project: row.text(5))
        }
    }

    /// Versions from rows of `versionSelect` (a search page), with their tags and aliases.
    static func modelVersions(from rows: [SQLRow], in db: Session) async throws -> [ModelVersion] {
        guard !rows.isEmpty else { return [] }
        let aliases = try await modelAliases(Array(Set(rows.map { $0.int(0) })), in: db)
        var versions = rows.map { version(from: $0, modelAliases: aliases) }
        try await attachTags(to: &versions, in: db)
        return versions.map(\.entity)
    }

    private static func modelAliases(_ modelKeys: [Int64], in db: Session) async throws -> [Int64: [ModelAlias]] {
        var aliases: [Int64: [ModelAlias]] = [:]
        for row in try await db.rows(SQL(
            "SELECT model_pk, alias, version FROM registered_model_aliases WHERE model_pk = ANY(?) ORDER BY alias", modelKeys))
        {
            aliases[row.int(0), default: []].append(ModelAlias(alias: row.text(1), version: row.int(2)))
        }
        return aliases
    }

    private struct LoadedVersion {
        var modelPK: Int64
        var entity: ModelVersion
    }

    private struct VersionKey: Hashable {
        var modelPK: Int64
        var version: Int64
    }

    private static func version(from row: SQLRow, modelAliases: [Int64: [ModelAlias]]) -> LoadedVersion {
        let modelPK = row.int(0), number = row.int(2)
        let aliases = modelAliases[modelPK].map { $0.filter { $0.version == number }.map(\.alias) } ?? []
        return LoadedVersion(
            modelPK: modelPK,
            entity: ModelVersion(
                name: row.text(1), version: number, creationTime: row.int(3), lastUpdatedTime: row.int(4),
                stage: ModelStage(rawValue: row.text(5)) ?? .none, description: row.optionalText(6), source: row.text(7),
                runID: row.optionalText(8), runLink: row.optionalText(9), modelID: row.optionalText(10), tags: [], aliases: aliases))
    }

    /// One query for all versions' tags: the (model, version) pairs travel as two arrays.
    private static func attachTags(to versions: inout [LoadedVersion], in db: Session) async throws {
        guard !versions.isEmpty else { return }
        var positions: [VersionKey: Int] = [:]
        for (index, loaded) in versions.enumerated() {
            positions[VersionKey(modelPK: loaded.modelPK, version: loaded.entity.version)] = index
        }
        for row in try await db.rows(SQL(
            """
            SELECT t.model_pk, t.version, t.key, t.value FROM model_version_tags t
            JOIN UNNEST(?::int8[], ?::int8[]) AS wanted (model_pk, version) ON wanted.model_pk = t.model_pk AND wanted.version = t.version
            ORDER BY t.key
            """,
            [.integers(versions.map(\.modelPK)), .integers(versions.map(\.entity.version))]))
        {
            if let index = positions[VersionKey(modelPK: row.int(0), version: row.int(1))] {
                versions[index].entity.tags.append(Tag(key: row.text(2), value: row.text(3)))
            }
        }
    }
}
