public import StrideDomain
public import StrideStore

/// Read-only queries for the web UI's tables: experiment summaries and metric aggregates.
///
/// Runs named by id are checked against the caller's project like every id-based service call:
/// another project's runs are left out as unknown ones are.
public struct BrowseService: Sendable {
    let store: any BrowseStore
    let ownership: ProjectOwnership

    /// Experiments beyond this many are not listed; the name search narrows the list.
    public static let maxExperimentsListed = 1_000
    /// The most runs or keys one aggregate request may name (a page of the runs table is far less).
    public static let maxAggregateItems = 1_000

    public init(store: any BrowseStore, tracking: TrackingService) {
        self.store = store
        self.ownership = tracking.ownership
    }

    public func experimentSummaries(nameContains: String, viewType: ViewType, project: String = ProjectContext.current)
        async throws -> [ExperimentSummary]
    {
        try await store.experimentSummaries(project: project, nameContains: nameContains, viewType: viewType, limit: Self.maxExperimentsListed)
    }

    /// The runs with these ids, across the project's experiments, in the order given; unknown ids
    /// and other projects' runs are left out.
    public func runs(ids: [String], project: String = ProjectContext.current) async throws -> [Run] {
        try Self.checkSize(runIDs: ids, keys: [])
        var visible: [Run] = []
        for run in try await store.runs(ids: ids) {
            if (try? await ownership.requireExperiment(run.info.experimentID, in: project)) != nil { visible.append(run) }
        }
        return visible
    }

    /// A run's child runs (by their `mlflow.parentRunId` tag), oldest first.
    public func childRuns(of parentRunID: String, limit: Int, project: String = ProjectContext.current) async throws -> [RunInfo] {
        try await ownership.requireRun(parentRunID, in: project)
        return try await store.childRuns(of: parentRunID, limit: min(max(limit, 0), Self.maxAggregateItems))
    }

    public func metricRanges(runIDs: [String], keys: [String], project: String = ProjectContext.current) async throws -> [MetricRange] {
        try Self.checkSize(runIDs: runIDs, keys: keys)
        for runID in runIDs { try await ownership.requireRun(runID, in: project) }
        return try await store.metricRanges(runIDs: runIDs, keys: keys)
    }

    public func metricValues(
        atStep step: Int64, runIDs: [String], keys: [String], project: String = ProjectContext.current
    ) async throws -> [RunMetric] {
        try Self.checkSize(runIDs: runIDs, keys: keys)
        for runID in runIDs { try await ownership.requireRun(runID, in: project) }
        return try await store.metricValues(atStep: step, runIDs: runIDs, keys: keys)
    }

    private static func checkSize(runIDs: [String], keys: [String]) throws(StrideError) {
        guard runIDs.count <= maxAggregateItems, keys.count <= maxAggregateItems else {
            throw StrideError.invalidParameter("At most \(maxAggregateItems) runs and \(maxAggregateItems) metric keys can be aggregated at once.")
        }
    }
}
