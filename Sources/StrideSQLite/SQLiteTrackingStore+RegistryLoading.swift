import GRDB
import StrideDomain
import StrideStore

/// Reading registry rows into entities: each list of models or versions loads its tags, aliases
/// and latest versions with one query per table, whatever the page size.
extension SQLiteTrackingStore {
    // The loaders below read these columns by position: by-name lookups (a lowercased() per
    // access in GRDB) were over a third of a 100-model search page's loading time.
    static let modelSelect = """
        SELECT m.model_pk, m.name, m.description, m.creation_time, m.last_updated_time, p.name AS project
        FROM registered_models m JOIN projects p ON p.project_id = m.project_id
        """

    static let versionSelect = """
        SELECT v.model_pk, m.name, v.version, v.creation_time, v.last_updated_time, v.current_stage, v.description,
               v.source, v.run_id, v.run_link, v.model_id
        FROM model_versions v JOIN registered_models m ON m.model_pk = v.model_pk
        """

    /// A model row's key and project, as writes need them.
    struct ModelRef {
        var pk: Int64
        var name: String
    }

    static func requireModel(named name: String, project: String, in db: Database) throws -> ModelRef {
        guard let pk = try Int64.fetchOne(
            db.cachedStatement(sql: """
                SELECT m.model_pk FROM registered_models m JOIN projects p ON p.project_id = m.project_id
                WHERE p.name = ? AND m.name = ?
                """),
            arguments: [project, name])
        else {
            throw StoreError.notFound(.registeredModel(name: name))
        }
        return ModelRef(pk: pk, name: name)
    }

    /// Checks the version exists and is not deleted.
    static func requireVersion(_ version: Int64, of model: ModelRef, in db: Database) throws {
        let exists = try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM model_versions WHERE model_pk = ? AND version = ? AND deleted = 0"),
            arguments: [model.pk, version]) ?? false
        guard exists else {
            throw StoreError.notFound(.modelVersion(model: model.name, version: version))
        }
    }

    static func loadModel(pk: Int64, in db: Database) throws -> RegisteredModel {
        try registeredModels(from: Row.fetchAll(db.cachedStatement(sql: modelSelect + " WHERE m.model_pk = ?"), arguments: [pk]), in: db)[0]
    }

    static func loadVersion(_ version: Int64, of model: ModelRef, in db: Database) throws -> ModelVersion {
        try requireVersion(version, of: model, in: db)
        return try modelVersions(
            from: Row.fetchAll(db.cachedStatement(sql: versionSelect + " WHERE v.model_pk = ? AND v.version = ?"), arguments: [model.pk, version]),
            in: db)[0]
    }

    /// Runs a search statement (its `LIMIT ? OFFSET ?` bound here) and loads one page: one row
    /// more than the page tells whether a next page exists.
    func registryPage<Item>(
        _ sql: String, _ filter: SQLFragment, maxResults: Int, offset: Int, load: (ArraySlice<Row>, Database) throws -> [Item]
    ) throws -> ResultPage<Item> {
        let arguments = filter.arguments + [(maxResults + 1).databaseValue, offset.databaseValue]
        return try readNow { db in
            let rows = try Row.fetchAll(db, sql: sql + " LIMIT ? OFFSET ?", arguments: StatementArguments(arguments))
            let items = try load(rows.prefix(maxResults), db)
            return ResultPage(items: items, nextOffset: rows.count > maxResults ? offset + maxResults : nil)
        }
    }

    static func registeredModels(from rows: [Row], in db: Database) throws -> [RegisteredModel] {
        guard !rows.isEmpty else { return [] }
        let keys = jsonArray(rows.lazy.map { $0[0] as Int64 })
        var tags: [Int64: [Tag]] = [:]
        let tagRows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT model_pk, key, value FROM registered_model_tags WHERE model_pk IN (SELECT value FROM json_each(?)) ORDER BY key"),
            arguments: [keys])
        while let row = try tagRows.next() {
            tags[row[0], default: []].append(Tag(key: row[1], value: row[2]))
        }
        let aliases = try modelAliases(keys, in: db)
        // The newest live version in each stage, as MLflow's `latest_versions`: a live version no
        // later live version of the same stage follows. Each test is a primary-key seek; the
        // GROUP BY form this replaced built two temporary B-trees and took 3x longer.
        var latest: [Int64: [ModelVersion]] = [:]
        for version in try loadVersions(
            db.cachedStatement(sql: """
                SELECT v.model_pk, m.name, v.version, v.creation_time, v.last_updated_time, v.current_stage, v.description,
                       v.source, v.run_id, v.run_link, v.model_id
                FROM json_each(?) j
                JOIN model_versions v ON v.model_pk = j.value
                JOIN registered_models m ON m.model_pk = v.model_pk
                WHERE v.deleted = 0 AND NOT EXISTS (
                    SELECT 1 FROM model_versions later
                    WHERE later.model_pk = v.model_pk AND later.version > v.version
                      AND later.current_stage = v.current_stage AND later.deleted = 0)
                """),
            arguments: [keys], in: db, modelAliases: aliases)
        {
            latest[version.modelPK, default: []].append(version.entity)
        }
        for (pk, versions) in latest where !versions.isSorted(by: \.version) {
            latest[pk] = versions.sorted { $0.version < $1.version }
        }
        return rows.map { row in
            let pk: Int64 = row[0]
            return RegisteredModel(
                name: row[1], description: row[2], creationTime: row[3],
                lastUpdatedTime: row[4], latestVersions: latest[pk] ?? [], tags: tags[pk] ?? [],
                aliases: aliases[pk] ?? [], project: row[5])
        }
    }

    /// Versions from rows of `versionSelect` (a search page), with their tags and aliases.
    static func modelVersions(from rows: [Row], in db: Database) throws -> [ModelVersion] {
        guard !rows.isEmpty else { return [] }
        let aliases = try modelAliases(jsonArray(Set(rows.map { $0[0] as Int64 })), in: db)
        var versions = rows.map { version(from: $0, modelAliases: aliases) }
        try attachTags(to: &versions, in: db)
        return versions.map(\.entity)
    }

    private static func modelAliases(_ modelKeys: String, in db: Database) throws -> [Int64: [ModelAlias]] {
        var aliases: [Int64: [ModelAlias]] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT model_pk, alias, version FROM registered_model_aliases WHERE model_pk IN (SELECT value FROM json_each(?)) ORDER BY alias"),
            arguments: [modelKeys])
        while let row = try rows.next() {
            aliases[row[0], default: []].append(ModelAlias(alias: row[1], version: row[2]))
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

    /// Reads the statement's `versionSelect` rows straight from SQLite (no copied rows), then
    /// attaches their tags.
    private static func loadVersions(
        _ statement: Statement, arguments: StatementArguments, in db: Database, modelAliases: [Int64: [ModelAlias]]
    ) throws -> [LoadedVersion] {
        var versions: [LoadedVersion] = []
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        while let row = try rows.next() {
            versions.append(version(from: row, modelAliases: modelAliases))
        }
        try attachTags(to: &versions, in: db)
        return versions
    }

    private static func version(from row: Row, modelAliases: [Int64: [ModelAlias]]) -> LoadedVersion {
        let modelPK: Int64 = row[0], number: Int64 = row[2]
        let aliases = modelAliases[modelPK].map { $0.filter { $0.version == number }.map(\.alias) } ?? []
        return LoadedVersion(
            modelPK: modelPK,
            entity: ModelVersion(
                name: row[1], version: number, creationTime: row[3],
                lastUpdatedTime: row[4], stage: ModelStage(rawValue: row[5] as String) ?? .none,
                description: row[6], source: row[7], runID: row[8], runLink: row[9], modelID: row[10],
                tags: [], aliases: aliases))
    }

    /// One query for all versions' tags: the two key lists select a superset, trimmed to the versions.
    private static func attachTags(to versions: inout [LoadedVersion], in db: Database) throws {
        guard !versions.isEmpty else { return }
        var positions: [VersionKey: Int] = [:]
        for (index, loaded) in versions.enumerated() {
            positions[VersionKey(modelPK: loaded.modelPK, version: loaded.entity.version)] = index
        }
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: """
                SELECT model_pk, version, key, value FROM model_version_tags
                WHERE model_pk IN (SELECT value FROM json_each(?)) AND version IN (SELECT value FROM json_each(?)) ORDER BY key
                """),
            arguments: [jsonArray(Set(versions.map(\.modelPK))), jsonArray(Set(versions.map(\.entity.version)))])
        while let row = try rows.next() {
            if let index = positions[VersionKey(modelPK: row[0], version: row[1])] {
                versions[index].entity.tags.append(Tag(key: row[2], value: row[3]))
            }
        }
    }

    static func jsonArray<S: Sequence<Int64>>(_ values: S) -> String {
        "[" + values.map(String.init).joined(separator: ",") + "]"
    }
}

extension Array {
    /// Whether the elements are in ascending order of `key`.
    fileprivate func isSorted(by key: (Element) -> Int64) -> Bool {
        zip(self, dropFirst()).allSatisfy { key($0) <= key($1) }
    }
}
