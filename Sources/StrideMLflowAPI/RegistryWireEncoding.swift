import StrideDomain

/// MLflow's JSON for the registry entities: `version` as a decimal string, timestamps as int64,
/// unset fields and empty lists omitted.
extension JSONWriter {
    mutating func write(_ model: RegisteredModel) {
        beginObject()
        field("name", model.name)
        field("creation_timestamp", model.creationTime)
        field("last_updated_timestamp", model.lastUpdatedTime)
        if let description = model.description { field("description", description) }
        writeArray("latest_versions", model.latestVersions) { $0.write($1) }
        writeKeyValues("tags", model.tags)
        writeArray("aliases", model.aliases) { writer, alias in
            writer.beginObject()
            writer.field("alias", alias.alias)
            writer.field("version", String(alias.version))
            writer.endObject()
        }
        endObject()
    }

    mutating func write(_ version: ModelVersion) {
        beginObject()
        field("name", version.name)
        field("version", String(version.version))
        field("creation_timestamp", version.creationTime)
        field("last_updated_timestamp", version.lastUpdatedTime)
        field("current_stage", version.stage.rawValue)
        if let description = version.description { field("description", description) }
        field("source", version.source)
        if let runID = version.runID { field("run_id", runID) }
        // Versions are registered synchronously: the client's wait for READY ends at once.
        field("status", "READY")
        if let runLink = version.runLink { field("run_link", runLink) }
        if let modelID = version.modelID { field("model_id", modelID) }
        writeKeyValues("tags", version.tags)
        writeArray("aliases", version.aliases) { $0.value($1) }
        endObject()
    }
}
