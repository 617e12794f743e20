import StrideDomain
import StrideService
import StrideStore

/// Stride's entities as the values MLflow's GraphQL objects resolve from, keyed by field name.
///
/// MLflow resolves these fields from protobuf messages, where an unset field reads as its default:
/// an absent string is `""`, an absent integer `0`, an absent message an empty one. Stride answers
/// the same, so the web UI sees what it sees from MLflow. The one null is a NaN metric value,
/// which GraphQL's Float cannot carry (MLflow's `MlflowMetricExtension`).
enum GraphQLValues {
    typealias Object = [String: any Sendable]

    static func experiment(_ experiment: Experiment) -> Object {
        [
            "experimentId": experiment.id.description, "name": experiment.name, "artifactLocation": experiment.artifactLocation,
            "lifecycleStage": experiment.lifecycleStage.rawValue, "lastUpdateTime": experiment.lastUpdateTime,
            "creationTime": experiment.creationTime, "tags": experiment.tags.map(keyValue), "effectiveTraceArchivalRetention": "",
            "workspace": experiment.project,
        ]
    }

    static func run(_ run: Run) -> Object {
        let info = run.info
        return [
            "info": [
                "runId": info.runID, "runUuid": info.runID, "runName": info.runName, "experimentId": info.experimentID.description,
                "userId": info.userID, "status": info.status.rawValue, "startTime": info.startTime ?? 0, "endTime": info.endTime ?? 0,
                "artifactUri": info.artifactURI, "lifecycleStage": info.lifecycleStage.rawValue,
            ] as Object,
            "data": [
                "metrics": run.latestMetrics.map { metric($0, runID: "") },
                "params": run.params.map(keyValue), "tags": run.tags.map(keyValue),
            ] as Object,
            "inputs": [
                "datasetInputs": run.datasetInputs.map(datasetInput),
                "modelInputs": run.modelInputs.map { ["modelId": $0.modelID] as Object },
            ] as Object,
            "outputs": ["modelOutputs": run.modelOutputs.map { ["modelId": $0.modelID, "step": $0.step] as Object }] as Object,
        ]
    }

    /// A metric point; `runID` is empty where MLflow's proto leaves `run_id` unset (a run's latest metrics).
    static func metric(_ metric: Metric, runID: String) -> Object {
        var object: Object = ["key": metric.key, "timestamp": metric.timestamp, "step": metric.step, "runId": runID]
        if !metric.value.isNaN { object["value"] = metric.value }
        object["datasetName"] = ""
        object["datasetDigest"] = ""
        object["modelId"] = ""
        return object
    }

    static func modelVersion(_ version: ModelVersion) -> Object {
        [
            "name": version.name, "version": String(version.version), "creationTimestamp": version.creationTime,
            "lastUpdatedTimestamp": version.lastUpdatedTime, "userId": "", "currentStage": version.stage.rawValue,
            "description": version.description ?? "", "source": version.source, "runId": version.runID ?? "", "status": "READY",
            "statusMessage": "", "tags": version.tags.map(keyValue), "runLink": version.runLink ?? "", "aliases": version.aliases,
            "modelId": version.modelID ?? "", "modelParams": [Object](), "modelMetrics": [Object](),
        ]
    }

    static func file(_ entry: ArtifactEntry) -> Object {
        switch entry.item {
        case .file(let size): ["path": entry.name, "isDir": false, "fileSize": size]
        case .directory: ["path": entry.name, "isDir": true, "fileSize": Int64(0)]
        }
    }

    static func datasetSummary(_ summary: DatasetSummary) -> Object {
        [
            "experimentId": summary.experimentID.description, "name": summary.name, "digest": summary.digest,
            "context": summary.context ?? "",
        ]
    }

    private static func keyValue(_ pair: KeyValue) -> Object {
        ["key": pair.key, "value": pair.value]
    }

    private static func datasetInput(_ input: DatasetInput) -> Object {
        let dataset = input.dataset
        return [
            "tags": input.tags.map(keyValue),
            "dataset": [
                "name": dataset.name, "digest": dataset.digest, "sourceType": dataset.sourceType, "source": dataset.source,
                "schema": dataset.schema ?? "", "profile": dataset.profile ?? "",
            ] as Object,
        ]
    }
}
