public import StrideDomain

/// An MLflow tracking database read for `stride import`: the port its two readers implement, MLflow's
/// SQLite file (StrideMLflowSource) and MLflow's PostgreSQL database (StridePostgres). Everything
/// comes in the source's own ids and artifact URIs; the importer maps them.
public protocol MLflowSource: Sendable {
    /// What the source holds.
    func inventory() async throws -> SourceInventory

    /// The experiments, their `project` empty.
    func experiments() async throws -> [Experiment]

    /// Every run's id, experiment and number of metric points, in a stable order.
    func runList() async throws -> [SourceRunEntry]

    /// The runs with params, tags, latest metrics, inputs and outputs, but no metric history.
    func runs(ids: [String]) async throws -> [ImportedRun]

    /// How much each run holds, counted as ``ImportStore/storedRunContents(runIDs:)`` counts.
    func runContents(ids: [String]) async throws -> [String: RunContents]

    /// Up to `limit` points of a run's history after `position` (nil: from the start), and the
    /// position to continue from when more remain. Positions are the source's own (SQLite's rowid,
    /// PostgreSQL's count of points already read); only the source reads them.
    func metricHistory(runID: String, after position: Int64?, limit: Int) async throws -> (points: [Metric], next: Int64?)

    /// Logged models (MLflow 3) with tags, params and metrics.
    func loggedModels() async throws -> [ImportedLoggedModel]

    func registeredModels() async throws -> [ImportedRegisteredModel]
}

/// Counts of what a source holds, and which schema it has.
public struct SourceInventory: Sendable, Equatable {
    /// The Alembic revision and the MLflow releases that write it.
    public var schema: String
    public var experiments = 0
    public var runs = 0
    public var metricPoints = 0
    public var loggedModels = 0
    public var registeredModels = 0
    public var modelVersions = 0

    public init(schema: String) {
        self.schema = schema
    }
}

/// One run of the source's run list.
public struct SourceRunEntry: Sendable, Equatable {
    public var runID: String
    public var experimentID: ExperimentID
    public var metricPoints: Int

    public init(runID: String, experimentID: ExperimentID, metricPoints: Int) {
        self.runID = runID
        self.experimentID = experimentID
        self.metricPoints = metricPoints
    }
}
