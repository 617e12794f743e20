/// A metric point logged against an MLflow 3 logged model (`log_metric(..., model_id=...)`),
/// with the run that logged it and the dataset it was measured on.
public struct ModelMetric: Sendable, Equatable {
    public var modelID: String
    public var runID: String
    public var metric: Metric
    public var datasetName: String?
    public var datasetDigest: String?

    public init(modelID: String, runID: String, metric: Metric, datasetName: String? = nil, datasetDigest: String? = nil) {
        self.modelID = modelID
        self.runID = runID
        self.metric = metric
        self.datasetName = datasetName
        self.datasetDigest = datasetDigest
    }
}

/// What a metric message adds when it is also logged against a logged model.
public struct ModelMetricLink: Sendable, Equatable {
    public var modelID: String
    public var datasetName: String?
    public var datasetDigest: String?

    public init(modelID: String, datasetName: String?, datasetDigest: String?) {
        self.modelID = modelID
        self.datasetName = datasetName
        self.datasetDigest = datasetDigest
    }

    public func attach(_ metric: Metric, runID: String) -> ModelMetric {
        ModelMetric(modelID: modelID, runID: runID, metric: metric, datasetName: datasetName, datasetDigest: datasetDigest)
    }
}
