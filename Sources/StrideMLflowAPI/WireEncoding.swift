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
        writeArray("metrics", run.latestMetrics) { $0.write($1) }
        writeKeyValues("params", run.params)
        writeKeyValues("tags", run.tags)
        endObject()
        key("inputs")
        beginObject()
        writeArray("dataset_inputs", run.datasetInputs) { $0.write($1) }
        writeArray("model_inputs", run.modelInputs) { writer, input in
            writer.beginObject()
            writer.field("model_id", input.modelID)
            writer.endObject()
        }
        endObject()
        key("outputs")
        beginObject()
        writeArray("model_outputs", run.modelOutputs) { writer, output in
            writer.beginObject()
            writer.field("model_id", output.modelID)
            writer.field("step", output.step)
            writer.endObject()
        }
        endObject()
        endObject()
    }

    mutating func write(_ metric: Metric, runID: String? = nil) {
        beginObject()
        writeFields(of: metric)
        if let runID { field("run_id", runID) }
        endObject()
    }

    /// A metric point's own fields, shared by run metrics and logged-model metrics.
    mutating func writeFields(of metric: Metric) {
        field("key", metric.key)
        field("value", metric.value)
        field("timestamp", metric.timestamp)
        field("step", metric.step)
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
        writeArray(name, pairs) { writer, pair in
            writer.beginObject()
            writer.field("key", pair.key)
            writer.field("value", pair.value)
            writer.endObject()
        }
    }

    /// `"name": [...]` with one element per item, or nothing for no items: MLflow's JSON omits
    /// empty repeated fields.
    mutating func writeArray<Item>(_ name: String, _ items: [Item], element: (inout JSONWriter, Item) -> Void) {
        guard !items.isEmpty else { return }
        key(name)
        beginArray()
        for item in items { element(&self, item) }
        endArray()
    }
}
