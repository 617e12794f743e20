public import StrideDomain
public import StrideStore

/// `stride import`'s model writes: logged models by id, registered models by name in the project,
/// versions by number; rows already stored are kept. Models are few next to metric points, so each
/// model costs a few statements, its tags, params and metrics each bound as arrays.
extension PostgresTrackingStore {
    public func importLoggedModels(_ models: [ImportedLoggedModel]) async throws -> Int {
        guard !models.isEmpty else { return 0 }
        return try await database.write { db in
            var created = 0
            for imported in models {
                let model = imported.model
                created += try await db.execute(SQL(
                    """
                    INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_time, last_updated_time,
                                               model_type, source_run_id, status, status_message, deleted)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (model_id) DO NOTHING RETURNING 1
                    """,
                    model.id, model.experimentID.value, model.name, model.artifactURI, model.creationTime, model.lastUpdatedTime,
                    model.modelType, model.sourceRunID, Int64(model.status.rawValue), model.statusMessage, Int64(imported.deleted ? 1 : 0)))
                guard let pk = try await db.row(SQL("SELECT model_pk FROM logged_models WHERE model_id = ?", model.id))?.int(0) else { continue }
                for (table, entries) in [("logged_model_tags", model.tags), ("logged_model_params", model.params)] where !entries.isEmpty {
                    try await db.execute(SQL(
                        "INSERT INTO \(table) (model_pk, key, value) SELECT ?, * FROM UNNEST(?::text[], ?::text[]) ON CONFLICT DO NOTHING",
                        [.integer(pk), .texts(entries.map(\.key)), .texts(entries.map(\.value))]))
                }
                try await Self.insertModelMetricRows(model.metrics.map { (modelPK: pk, point: $0) }, in: db)
            }
            return created
        }
    }

    public func importRegisteredModels(_ models: [ImportedRegisteredModel], project: String) async throws -> (models: Int, versions: Int) {
        guard !models.isEmpty else { return (0, 0) }
        return try await database.write { db in
            let projectID = try await Self.projectID(named: project, in: db)
            var createdModels = 0, createdVersions = 0
            for imported in models {
                let model = imported.model
                createdModels += try await db.execute(SQL(
                    """
                    INSERT INTO registered_models (project_id, name, description, creation_time, last_updated_time)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, name) DO NOTHING RETURNING 1
                    """,
                    projectID, model.name, model.description, model.creationTime, model.lastUpdatedTime))
                guard let pk = try await db.row(SQL(
                    "SELECT model_pk FROM registered_models WHERE project_id = ? AND name = ?", projectID, model.name))?.int(0)
                else { continue }
                if !model.tags.isEmpty {
                    try await db.execute(SQL(
                        "INSERT INTO registered_model_tags (model_pk, key, value) SELECT ?, * FROM UNNEST(?::text[], ?::text[]) ON CONFLICT DO NOTHING",
                        [.integer(pk), .texts(model.tags.map(\.key)), .texts(model.tags.map(\.value))]))
                }
                for entry in imported.versions {
                    let version = entry.version
                    createdVersions += try await db.execute(SQL(
                        """
                        INSERT INTO model_versions (model_pk, version, creation_time, last_updated_time, current_stage, description,
                                                    source, storage_location, run_id, run_link, model_id, deleted)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (model_pk, version) DO NOTHING RETURNING 1
                        """,
                        pk, version.version, version.creationTime, version.lastUpdatedTime, version.stage.rawValue, version.description,
                        version.source, entry.storageLocation, version.runID, version.runLink, version.modelID, Int64(entry.deleted ? 1 : 0)))
                    guard !version.tags.isEmpty else { continue }
                    try await db.execute(SQL(
                        """
                        INSERT INTO model_version_tags (model_pk, version, key, value) SELECT ?, ?, * FROM UNNEST(?::text[], ?::text[])
                        ON CONFLICT DO NOTHING
                        """,
                        [.integer(pk), .integer(version.version), .texts(version.tags.map(\.key)), .texts(version.tags.map(\.value))]))
                }
                if !model.aliases.isEmpty {
                    try await db.execute(SQL(
                        "INSERT INTO registered_model_aliases (model_pk, alias, version) SELECT ?, * FROM UNNEST(?::text[], ?::int8[]) ON CONFLICT DO NOTHING",
                        [.integer(pk), .texts(model.aliases.map(\.alias)), .integers(model.aliases.map(\.version))]))
                }
            }
            return (createdModels, createdVersions)
        }
    }
}
