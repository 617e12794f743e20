import GRDB
public import StrideDomain
public import StrideStore

/// `stride import`'s model writes: logged models by id, registered models by name in the project,
/// versions by number; rows already stored are kept.
extension SQLiteTrackingStore {
    public func importLoggedModels(_ models: [ImportedLoggedModel]) async throws -> Int {
        guard !models.isEmpty else { return 0 }
        return try await pool.write { db in
            var created = 0
            for imported in models {
                let model = imported.model
                try db.cachedStatement(sql: """
                    INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_time, last_updated_time,
                                               model_type, source_run_id, status, status_message, deleted)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (model_id) DO NOTHING
                    """
                ).execute(arguments: [
                    model.id, model.experimentID.value, model.name, model.artifactURI, model.creationTime, model.lastUpdatedTime,
                    model.modelType, model.sourceRunID, model.status.rawValue, model.statusMessage, imported.deleted ? 1 : 0,
                ])
                created += db.changesCount
                guard let pk = try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT model_pk FROM logged_models WHERE model_id = ?"), arguments: [model.id])
                else { continue }
                for (table, entries) in [("logged_model_tags", model.tags), ("logged_model_params", model.params)] {
                    for entry in entries {
                        try db.cachedStatement(sql: "INSERT INTO \(table) (model_pk, key, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                            .execute(arguments: [pk, entry.key, entry.value])
                    }
                }
                var values: [DatabaseValue] = []
                for point in model.metrics {
                    let stored = StoredMetricValue.encode(point.metric.value)
                    values += [
                        pk.databaseValue, point.metric.key.databaseValue, point.metric.timestamp.databaseValue,
                        point.metric.step.databaseValue, point.runID.databaseValue, (point.datasetName ?? "").databaseValue,
                        (point.datasetDigest ?? "").databaseValue, stored.value.databaseValue, stored.isNaN.databaseValue,
                    ]
                }
                try Self.modelMetricInsert.execute(values, in: db)
            }
            return created
        }
    }

    public func importRegisteredModels(_ models: [ImportedRegisteredModel], project: String) async throws -> (models: Int, versions: Int) {
        guard !models.isEmpty else { return (0, 0) }
        return try await pool.write { db in
            let projectID = try Self.projectID(named: project, in: db)
            var createdModels = 0, createdVersions = 0
            for imported in models {
                let model = imported.model
                try db.cachedStatement(sql: """
                    INSERT INTO registered_models (project_id, name, description, creation_time, last_updated_time)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, name) DO NOTHING
                    """
                ).execute(arguments: [projectID, model.name, model.description, model.creationTime, model.lastUpdatedTime])
                createdModels += db.changesCount
                guard let pk = try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT model_pk FROM registered_models WHERE project_id = ? AND name = ?"),
                    arguments: [projectID, model.name])
                else { continue }
                for tag in model.tags {
                    try db.cachedStatement(sql: "INSERT INTO registered_model_tags (model_pk, key, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                        .execute(arguments: [pk, tag.key, tag.value])
                }
                for entry in imported.versions {
                    let version = entry.version
                    try db.cachedStatement(sql: """
                        INSERT INTO model_versions (model_pk, version, creation_time, last_updated_time, current_stage, description,
                                                    source, storage_location, run_id, run_link, model_id, deleted)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (model_pk, version) DO NOTHING
                        """
                    ).execute(arguments: [
                        pk, version.version, version.creationTime, version.lastUpdatedTime, version.stage.rawValue, version.description,
                        version.source, entry.storageLocation, version.runID, version.runLink, version.modelID, entry.deleted ? 1 : 0,
                    ])
                    createdVersions += db.changesCount
                    for tag in version.tags {
                        try db.cachedStatement(sql: """
                            INSERT INTO model_version_tags (model_pk, version, key, value) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
                            """
                        ).execute(arguments: [pk, version.version, tag.key, tag.value])
                    }
                }
                for alias in model.aliases {
                    try db.cachedStatement(sql: "INSERT INTO registered_model_aliases (model_pk, alias, version) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                        .execute(arguments: [pk, alias.alias, alias.version])
                }
            }
            return (createdModels, createdVersions)
        }
    }
}
