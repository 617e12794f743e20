/// The descriptive fields of a run (MLflow's `RunInfo`).
public struct RunInfo: Sendable, Equatable {
    public var runID: String
    public var experimentID: ExperimentID
    public var runName: String
    public var userID: String
    public var status: RunStatus
    public var startTime: Int64?
    public var endTime: Int64?
    public var artifactURI: String
    public var lifecycleStage: LifecycleStage

    public init(
        runID: String, experimentID: ExperimentID, runName: String, userID: String, status: RunStatus,
        startTime: Int64?, endTime: Int64?, artifactURI: String, lifecycleStage: LifecycleStage
    ) {
        self.runID = runID
        self.experimentID = experimentID
        self.runName = runName
        self.userID = userID
        self.status = status
        self.startTime = startTime
        self.endTime = endTime
        self.artifactURI = artifactURI
        self.lifecycleStage = lifecycleStage
    }
}

/// A run with everything logged to it: latest metrics, params, tags, inputs and outputs.
public struct Run: Sendable, Equatable {
    public var info: RunInfo
    /// One entry per metric key: the latest value by the rule in ``Metric/isLater(than:)``.
    public var latestMetrics: [Metric]
    public var params: [Param]
    public var tags: [Tag]
    public var datasetInputs: [DatasetInput]
    public var modelInputs: [ModelInput]
    public var modelOutputs: [ModelOutput]

    public init(
        info: RunInfo, latestMetrics: [Metric] = [], params: [Param] = [], tags: [Tag] = [],
        datasetInputs: [DatasetInput] = [], modelInputs: [ModelInput] = [], modelOutputs: [ModelOutput] = []
    ) {
        self.info = info
        self.latestMetrics = latestMetrics
        self.params = params
        self.tags = tags
        self.datasetInputs = datasetInputs
        self.modelInputs = modelInputs
        self.modelOutputs = modelOutputs
    }
}

/// Tag keys with a meaning to MLflow.
public enum ReservedTag {
    /// Mirrors the run's name; writing it renames the run.
    public static let runName = "mlflow.runName"
    public static let parentRunID = "mlflow.parentRunId"
    public static let user = "mlflow.user"
    /// The input tag that names a dataset's role, such as `train`.
    public static let datasetContext = "mlflow.data.context"
}
