public import StrideDomain

/// What the service hands the store to create an experiment.
public struct NewExperiment: Sendable {
    public var project: String
    public var name: String
    /// The artifact location, or a rule that derives it from the id the store assigns.
    public var artifactLocation: ArtifactLocation
    public var tags: [Tag]
    public var creationTime: Int64

    public enum ArtifactLocation: Sendable {
        case fixed(String)
        case derived(@Sendable (ExperimentID) -> String)
    }

    public init(project: String, name: String, artifactLocation: ArtifactLocation, tags: [Tag], creationTime: Int64) {
        self.project = project
        self.name = name
        self.artifactLocation = artifactLocation
        self.tags = tags
        self.creationTime = creationTime
    }
}

/// A run ready to insert: id and name are decided before the store sees it. The artifact URI
/// derives from the experiment's artifact location, which the store reads in the same transaction
/// that checks the experiment is active.
public struct NewRun: Sendable {
    public var runID: String
    public var experimentID: ExperimentID
    public var runName: String
    public var userID: String
    public var startTime: Int64?
    public var tags: [Tag]
    public var artifactURI: @Sendable (_ experimentArtifactLocation: String) -> String

    public init(
        runID: String, experimentID: ExperimentID, runName: String, userID: String, startTime: Int64?, tags: [Tag],
        artifactURI: @escaping @Sendable (_ experimentArtifactLocation: String) -> String
    ) {
        self.runID = runID
        self.experimentID = experimentID
        self.runName = runName
        self.userID = userID
        self.startTime = startTime
        self.tags = tags
        self.artifactURI = artifactURI
    }
}

/// The fields of `runs/update`; nil means "leave as is".
public struct RunUpdate: Sendable, Equatable {
    public var status: RunStatus?
    public var endTime: Int64?
    public var name: String?

    public init(status: RunStatus? = nil, endTime: Int64? = nil, name: String? = nil) {
        self.status = status
        self.endTime = endTime
        self.name = name
    }
}

/// One `log-batch` worth of writes, already validated.
public struct RunBatch: Sendable, Equatable {
    public var metrics: [Metric]
    public var params: [Param]
    public var tags: [Tag]
    /// Set when a tag renames the run (`mlflow.runName`), so the name column follows in the same transaction.
    public var newRunName: String?
    /// The points of `metrics` that were also logged against a logged model (`model_id`).
    public var modelMetrics: [ModelMetric]

    public init(
        metrics: [Metric] = [], params: [Param] = [], tags: [Tag] = [], newRunName: String? = nil, modelMetrics: [ModelMetric] = []
    ) {
        self.metrics = metrics
        self.params = params
        self.tags = tags
        self.newRunName = newRunName
        self.modelMetrics = modelMetrics
    }
}

/// A param write that would change an already logged value (params are immutable).
public struct ParamValueConflict: Error, Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        public var key: String
        public var oldValue: String
        public var newValue: String

        public init(key: String, oldValue: String, newValue: String) {
            self.key = key
            self.oldValue = oldValue
            self.newValue = newValue
        }
    }

    public var runID: String
    public var changes: [Change]

    public init(runID: String, changes: [Change]) {
        self.runID = runID
        self.changes = changes
    }
}

/// An `experiments/search` request after parsing.
public struct ExperimentQuery: Sendable {
    public var project: String
    public var filter: FilterTree<ExperimentFilterClause>
    public var order: [ExperimentOrder]
    public var viewType: ViewType
    public var maxResults: Int
    public var offset: Int

    public init(
        project: String, filter: FilterTree<ExperimentFilterClause>, order: [ExperimentOrder], viewType: ViewType,
        maxResults: Int, offset: Int
    ) {
        self.project = project
        self.filter = filter
        self.order = order
        self.viewType = viewType
        self.maxResults = maxResults
        self.offset = offset
    }
}

/// One page of results and, when more exist, the offset of the next page.
public struct ResultPage<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextOffset: Int?

    public init(items: [Item], nextOffset: Int?) {
        self.items = items
        self.nextOffset = nextOffset
    }
}

/// Where a metric-history page ended: the last point's sort key. History is ordered by step,
/// timestamp and value, a NaN value ordering as 0 just after a real 0 (MLflow's SQL order).
public struct MetricCursor: Sendable, Equatable {
    public var step: Int64
    public var timestamp: Int64
    /// The point's value; NaN for a NaN point.
    public var value: Double

    public init(step: Int64, timestamp: Int64, value: Double) {
        self.step = step
        self.timestamp = timestamp
        self.value = value
    }

    public init(after metric: Metric) {
        self.init(step: metric.step, timestamp: metric.timestamp, value: metric.value)
    }

    /// NaN never equals itself, so the equality of cursors compares NaN as equal to NaN.
    public static func == (lhs: MetricCursor, rhs: MetricCursor) -> Bool {
        lhs.step == rhs.step && lhs.timestamp == rhs.timestamp
            && (lhs.value == rhs.value || lhs.value.isNaN && rhs.value.isNaN)
    }
}
