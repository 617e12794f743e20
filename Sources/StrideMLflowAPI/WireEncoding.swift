import StrideDomain

/// MLflow's JSON for the tracking entities: snake_case names, int64 as numbers, enums as names,
/// unset fields and empty lists omitted.
extension JSONWriter {
    mutating func write(_ experiment: Experiment) {
        beginObject()
        field("experiment_id", experiment.id.description)
        field("name", experiment.name)
        field("artifact_location", experiment.artifactLocation)
        field("lifecycle_stage", experiment.lifecycleStage.rawValue)
        field("last_update_time", experiment.lastUpdateTime)
        field("creation_time", experiment.creationTime)
        writeKeyValues("tags", experiment.tags)
        field("workspace", experiment.project)
        endObject()
    }

    mutating func write(_ info: RunInfo) {
        beginObject()
        field("run_uuid", info.runID)
        field("experiment_id", info.experimentID.description)
        field("run_name", info.runName)
        field("user_id", info.userID)
        field("status", info.status.rawValue)
        if let startTime = info.startTime { field("start_time", startTime) }
        if let endTime = info.endTime { field("end_time", endTime) }
        field("artifact_uri", info.artifactURI)
        field("lifecycle_stage", info.lifecycleStage.rawValue)
        field("run_id", info.runID)
        endObject()
    }

    mutating func write(_ run: Run) {
        beginObject()
        key("info")
        write(run.info)
        key("data")
        beginObject()
        if !run.latestMetrics.isEmpty {
            key("metrics")
            beginArray()
            for metric in run.latestMetrics { write(metric) }
            endArray()
        }
        writeKeyValues("params", run.params)
        writeKeyValues("tags", run.tags)
        endObject()
        key("inputs")
        beginObject()
        if !run.datasetInputs.isEmpty {
            key("dataset_inputs")
            beginArray()
            for input in run.datasetInputs { write(input) }
            endArray()
        }
        endObject()
        key("outputs")
        beginObject()
        if !run.modelOutputs.isEmpty {
            key("model_outputs")
            beginArray()
            for output in run.modelOutputs {
                beginObject()
                field("model_id", output.modelID)
                field("step", output.step)
                endObject()
            }
            endArray()
        }
        endObject()
        endObject()
    }

    mutating func write(_ metric: Metric, runID: String? = nil) {
        beginObject()
        field("key", metric.key)
        field("value", metric.value)
        field("timestamp", metric.timestamp)
        field("step", metric.step)
        if let runID { field("run_id", runID) }
        endObject()
    }

    mutating func write(_ input: DatasetInput) {
        beginObject()
        writeKeyValues("tags", input.tags)
        key("dataset")
        beginObject()
        field("name", input.dataset.name)
        field("digest", input.dataset.digest)
        field("source_type", input.dataset.sourceType)
        field("source", input.dataset.source)
        if let schema = input.dataset.schema { field("schema", schema) }
        if let profile = input.dataset.profile { field("profile", profile) }
        endObject()
        endObject()
    }

    /// A list of `{"key","value"}` objects, omitted when empty.
    mutating func writeKeyValues(_ name: String, _ pairs: [KeyValue]) {
        guard !pairs.isEmpty else { return }
        key(name)
        beginArray()
        for pair in pairs {
            beginObject()
            field("key", pair.key)
            field("value", pair.value)
            endObject()
        }
        endArray()
    }
}
