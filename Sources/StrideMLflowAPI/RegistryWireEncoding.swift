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
        if !model.latestVersions.isEmpty {
            key("latest_versions")
            beginArray()
            for version in model.latestVersions { write(version) }
            endArray()
        }
        writeKeyValues("tags", model.tags)
        if !model.aliases.isEmpty {
            key("aliases")
            beginArray()
            for alias in model.aliases {
                beginObject()
                field("alias", alias.alias)
                field("version", String(alias.version))
                endObject()
            }
            endArray()
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
        if !version.aliases.isEmpty {
            key("aliases")
            beginArray()
            for alias in version.aliases { value(alias) }
            endArray()
        }
        endObject()
    }
}
