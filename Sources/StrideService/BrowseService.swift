public import StrideDomain
public import StrideStore

/// Read-only queries for the web UI's tables: experiment summaries and metric aggregates.
public struct BrowseService: Sendable {
    let store: any BrowseStore

    /// Experiments beyond this many are not listed; the name search narrows the list.
    public static let maxExperimentsListed = 1_000
    /// The most runs or keys one aggregate request may name (a page of the runs table is far less).
    public static let maxAggregateItems = 1_000

    public init(store: any BrowseStore) {
        self.store = store
    }

    public func experimentSummaries(nameContains: String, viewType: ViewType, project: String = TrackingService.defaultProject)
        async throws -> [ExperimentSummary]
    {
        try await store.experimentSummaries(project: project, nameContains: nameContains, viewType: viewType, limit: Self.maxExperimentsListed)
    }

    /// The runs with these ids, across experiments, in the order given; unknown ids are left out.
    public func runs(ids: [String]) async throws -> [Run] {
        try Self.checkSize(runIDs: ids, keys: [])
        return try await store.runs(ids: ids)
    }

    /// A run's child runs (by their `mlflow.parentRunId` tag), oldest first.
    public func childRuns(of parentRunID: String, limit: Int) async throws -> [RunInfo] {
        try await store.childRuns(of: parentRunID, limit: min(max(limit, 0), Self.maxAggregateItems))
    }

    public func metricRanges(runIDs: [String], keys: [String]) async throws -> [MetricRange] {
        try Self.checkSize(runIDs: runIDs, keys: keys)
        return try await store.metricRanges(runIDs: runIDs, keys: keys)
    }

    public func metricValues(atStep step: Int64, runIDs: [String], keys: [String]) async throws -> [RunMetric] {
        try Self.checkSize(runIDs: runIDs, keys: keys)
        return try await store.metricValues(atStep: step, runIDs: runIDs, keys: keys)
    }

    private static func checkSize(runIDs: [String], keys: [String]) throws(StrideError) {
        guard runIDs.count <= maxAggregateItems, keys.count <= maxAggregateItems else {
            throw StrideError.invalidParameter("At most \(maxAggregateItems) runs and \(maxAggregateItems) metric keys can be aggregated at once.")
        }
    }
}
