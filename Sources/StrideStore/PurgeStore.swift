public import StrideDomain

/// Permanent removal of deleted runs and experiments (`stride gc`), as MLflow's `_hard_delete_run`
/// and `_hard_delete_experiment` do, in small transactions so a running server keeps serving.
///
/// Every purge re-checks, in its own transaction, that its target is still deleted: a run or
/// experiment restored since it was listed is left whole. Artifact files are the caller's job.
public protocol PurgeStore: Sendable {
    /// Up to `limit` runs that `selection` names, ordered by run id and starting after `cursor` (a
    /// run id), whatever their stage, so the caller can refuse live ones named explicitly.
    func purgeableRuns(_ selection: PurgeableRunSelection, after cursor: String?, limit: Int) async throws -> [PurgeableRun]

    /// The experiments that `selection` names, whatever their stage (explicit ids that exist), or
    /// the deleted ones last updated at or before a time. Experiments are few, so this is not paged.
    func purgeableExperiments(_ selection: PurgeableExperimentSelection) async throws -> [PurgeableExperiment]

    /// Removes up to `limit` metric points of a deleted run, in one transaction, and returns how
    /// many it removed: 0 once none are left, or when the run is no longer deleted or unknown.
    func purgeMetricPoints(runID: String, limit: Int) async throws -> Int

    /// Removes deleted runs with their remaining metric points, latest metrics, params, tags,
    /// inputs and outputs, in one transaction; returns the ids removed (live or unknown ones are
    /// skipped). Callers pass few runs, with their points already removed by `purgeMetricPoints`.
    func purgeRuns(ids: [String]) async throws -> [String]

    /// Removes a deleted experiment that has no runs left, with its tags, datasets, key summary and
    /// logged models (their tags, params and metrics); false when it is live, unknown or still has runs.
    func purgeExperiment(id: ExperimentID) async throws -> Bool
}

/// Which runs `purgeableRuns` lists.
public enum PurgeableRunSelection: Sendable, Equatable {
    /// Deleted runs whose deletion time is at or before this time (ms since the epoch).
    case deletedAtOrBefore(Int64)
    /// These runs, in any stage; unknown ids are left out.
    case ids([String])
    /// Every run of this experiment, in any stage.
    case experiment(ExperimentID)
}

/// Which experiments `purgeableExperiments` lists.
public enum PurgeableExperimentSelection: Sendable, Equatable {
    /// Deleted experiments last updated (deleted) at or before this time (ms since the epoch).
    case deletedAtOrBefore(Int64)
    /// These experiments, in any stage; unknown ids are left out.
    case ids([ExperimentID])
}

/// A run as garbage collection sees it: enough to check it and to find its files.
public struct PurgeableRun: Sendable, Equatable {
    public var id: String
    public var experimentID: ExperimentID
    /// The project owning the experiment; `mlflow-artifacts:` URIs are relative to its artifact root.
    public var project: String
    public var artifactURI: String
    public var stage: LifecycleStage
    /// When the run was deleted (ms since the epoch); nil for a live run.
    public var deletedTime: Int64?

    public init(id: String, experimentID: ExperimentID, project: String, artifactURI: String, stage: LifecycleStage, deletedTime: Int64?) {
        self.id = id
        self.experimentID = experimentID
        self.project = project
        self.artifactURI = artifactURI
        self.stage = stage
        self.deletedTime = deletedTime
    }
}

/// An experiment as garbage collection sees it.
public struct PurgeableExperiment: Sendable, Equatable {
    public var id: ExperimentID
    public var project: String
    public var artifactLocation: String
    public var stage: LifecycleStage
    /// The last update, which for a deleted experiment is its deletion (ms since the epoch).
    public var lastUpdateTime: Int64

    public init(id: ExperimentID, project: String, artifactLocation: String, stage: LifecycleStage, lastUpdateTime: Int64) {
        self.id = id
        self.project = project
        self.artifactLocation = artifactLocation
        self.stage = stage
        self.lastUpdateTime = lastUpdateTime
    }
}
