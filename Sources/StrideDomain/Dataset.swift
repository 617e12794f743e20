/// A dataset as a run's input (MLflow's `Dataset`); de-duplicated per experiment by name and digest.
public struct Dataset: Sendable, Hashable {
    public var name: String
    public var digest: String
    public var sourceType: String
    public var source: String
    public var schema: String?
    public var profile: String?

    public init(name: String, digest: String, sourceType: String, source: String, schema: String?, profile: String?) {
        self.name = name
        self.digest = digest
        self.sourceType = sourceType
        self.source = source
        self.schema = schema
        self.profile = profile
    }
}

/// A dataset linked to a run, with the link's tags (such as `mlflow.data.context`).
public struct DatasetInput: Sendable, Hashable {
    public var dataset: Dataset
    public var tags: [Tag]

    public init(dataset: Dataset, tags: [Tag]) {
        self.dataset = dataset
        self.tags = tags
    }
}

/// A logged model a run used (MLflow 3's run model inputs, logged with `log-inputs`).
public struct ModelInput: Sendable, Hashable {
    public var modelID: String

    public init(modelID: String) {
        self.modelID = modelID
    }
}

/// A logged model produced by a run at a step (MLflow 3's run outputs).
public struct ModelOutput: Sendable, Hashable {
    public var modelID: String
    public var step: Int64

    public init(modelID: String, step: Int64) {
        self.modelID = modelID
        self.step = step
    }
}

/// A dataset used in an experiment, in one role (MLflow's `DatasetSummary`): what the web UI's
/// dataset filter lists.
public struct DatasetSummary: Sendable, Hashable {
    public var experimentID: ExperimentID
    public var name: String
    public var digest: String
    /// The `mlflow.data.context` tag of a run's input (`training`, ...); nil when an input has none.
    public var context: String?

    public init(experimentID: ExperimentID, name: String, digest: String, context: String?) {
        self.experimentID = experimentID
        self.name = name
        self.digest = digest
        self.context = context
    }
}
