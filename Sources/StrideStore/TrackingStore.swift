public import StrideDomain

/// Persistence for experiments, runs and everything logged to runs.
///
/// Implementations keep each call atomic (one transaction) and report conflicts a client can cause
/// as ``StoreError`` (unknown ids, duplicate names, writes to deleted runs) or ``ParamValueConflict``.
/// Lookups that find nothing return `nil`.
public protocol TrackingStore: Sendable {
    // MARK: Experiments

    /// Creates the project's `Default` experiment (id 0) unless it exists.
    func ensureDefaultExperiment(project: String, artifactLocation: String, at time: Int64) async throws

    /// Creates an experiment; a name already used in the project (even by a deleted experiment)
    /// fails with `.alreadyExists(.experimentNamed)`.
    func createExperiment(_ experiment: NewExperiment) async throws -> ExperimentID

    func experiment(id: ExperimentID) async throws -> Experiment?

    /// The experiment with this name in the project; names are unique per project.
    func experiment(named name: String, project: String) async throws -> Experiment?

    func searchExperiments(_ query: ExperimentQuery) async throws -> ResultPage<Experiment>

    /// Renames an active experiment: a deleted one is `.notActive(.experiment)`, a name in use in
    /// the project `.alreadyExists(.experimentNamed)`.
    func renameExperiment(id: ExperimentID, to name: String, at time: Int64) async throws

    /// Deletes an active or restores a deleted experiment together with its runs; anything else is
    /// `.notFound(.experiment)`, as MLflow looks only in the matching view.
    func setExperimentLifecycle(id: ExperimentID, to stage: LifecycleStage, at time: Int64) async throws

    func setExperimentTag(id: ExperimentID, tag: Tag) async throws

    /// Removes a tag; a missing experiment or tag is `.notFound`.
    func deleteExperimentTag(id: ExperimentID, key: String) async throws

    /// The project that owns the experiment, or nil for an unknown id. Ownership never changes.
    func projectOfExperiment(id: ExperimentID) async throws -> String?

    /// The project that owns the run (through its experiment), or nil for an unknown id.
    func projectOfRun(id: String) async throws -> String?

    /// The keys the experiment's runs have logged; an unknown experiment has none.
    func experimentKeys(experimentID: ExperimentID) async throws -> ExperimentKeys

    // MARK: Runs

    func createRun(_ run: NewRun) async throws -> Run

    func run(id: String) async throws -> Run?

    /// One page of runs matching the query, fully loaded; runs missing an order key sort last. A
    /// cursor that does not fit the query's order is `.cursorMismatch`.
    func searchRuns(_ query: RunQuery) async throws -> RunPage

    /// Applies the fields that are set; the run must not be deleted.
    func updateRun(id: String, _ update: RunUpdate) async throws -> RunInfo

    /// Deletes or restores a run; restoring a run of a deleted experiment is `.notActive(.experiment)`.
    func setRunLifecycle(id: String, to stage: LifecycleStage, at time: Int64) async throws

    /// Writes metrics, params and tags in one transaction; the run must be active (else
    /// `.notActive(.run)`), and a model metric's model live in the run's project (else
    /// `.notFound(.loggedModel)`).
    func logBatch(runID: String, _ batch: RunBatch) async throws

    func deleteRunTag(runID: String, key: String) async throws

    /// Links datasets and logged models to the run as its inputs, in one transaction.
    func logInputs(runID: String, datasets: [DatasetInput], models: [ModelInput]) async throws

    func logOutputs(runID: String, models: [ModelOutput]) async throws

    /// The distinct (experiment, dataset, context) triples of the experiments' run inputs, at most `limit`.
    func datasetSummaries(experimentIDs: [ExperimentID], limit: Int) async throws -> [DatasetSummary]

    // MARK: Metric history

    /// Points of one metric in (step, timestamp, value) order, resuming after `cursor`. An unknown
    /// run has no points, as in MLflow.
    func metricHistory(runID: String, key: String, limit: Int?, after cursor: MetricCursor?) async throws
        -> (metrics: [Metric], next: MetricCursor?)

    /// Up to `maxResultsPerRun` evenly spaced points per run, always keeping each run's first and
    /// last point in the step range.
    func sampledMetricHistory(runIDs: [String], key: String, maxResultsPerRun: Int, steps: ClosedRange<Int64>?)
        async throws -> [RunMetric]
}
