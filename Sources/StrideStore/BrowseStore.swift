public import StrideDomain

/// Read-only queries behind the web UI's tables that the tracking API has no call for.
///
/// Each call answers a whole page with one query per table, whatever the number of rows.
public protocol BrowseStore: Sendable {
    /// The project's experiments in the view, with run counts and the latest run start, most
    /// recently active first; `nameContains` matches case-insensitively.
    func experimentSummaries(project: String, nameContains: String, viewType: ViewType, limit: Int) async throws
        -> [ExperimentSummary]

    /// Fully loaded runs by id, in the order given; unknown ids are left out.
    func runs(ids: [String]) async throws -> [Run]

    /// The runs whose `mlflow.parentRunId` tag names `parentRunID`, oldest first, at most `limit`;
    /// only runs of the parent's project (a tag is client text and may name any run).
    func childRuns(of parentRunID: String, limit: Int) async throws -> [RunInfo]

    /// The smallest and largest value each run logged for each key (NaN left out).
    func metricRanges(runIDs: [String], keys: [String]) async throws -> [MetricRange]

    /// Each run's value of each key at `step`: the point logged last at that step.
    func metricValues(atStep step: Int64, runIDs: [String], keys: [String]) async throws -> [RunMetric]
}

/// An experiment as the experiments list shows it.
public struct ExperimentSummary: Sendable, Equatable {
    public var id: ExperimentID
    public var name: String
    public var lifecycleStage: LifecycleStage
    public var creationTime: Int64
    public var lastUpdateTime: Int64
    /// Runs in the same lifecycle stage as the experiment (a deleted experiment's runs are deleted with it).
    public var runCount: Int
    /// The latest start time of any of its runs.
    public var lastRunStartTime: Int64?

    public init(
        id: ExperimentID, name: String, lifecycleStage: LifecycleStage, creationTime: Int64, lastUpdateTime: Int64, runCount: Int,
        lastRunStartTime: Int64?
    ) {
        self.id = id
        self.name = name
        self.lifecycleStage = lifecycleStage
        self.creationTime = creationTime
        self.lastUpdateTime = lastUpdateTime
        self.runCount = runCount
        self.lastRunStartTime = lastRunStartTime
    }

    /// When anything last happened: a run started or the experiment changed.
    public var lastActivity: Int64 { max(lastUpdateTime, lastRunStartTime ?? 0) }
}

/// The range of one run's values of one metric; nil bounds when every point is NaN.
public struct MetricRange: Sendable, Equatable {
    public var runID: String
    public var key: String
    public var min: Double?
    public var max: Double?

    public init(runID: String, key: String, min: Double?, max: Double?) {
        self.runID = runID
        self.key = key
        self.min = min
        self.max = max
    }
}
