public import StrideDomain

/// Aggregate reads over traces MLflow 3.12 serves (`traces/metrics`,
/// `traces/calculate-filter-correlation`). A store adopts it beside ``TraceStore``; the service
/// checks for it, and answers 501 for a store that does not.
public protocol TraceAnalyticsStore: Sendable {
    /// One sample per row of the query's view (trace, span or valid assessment) in its
    /// experiments that passes its filters; the service aggregates them.
    func traceMetricSamples(_ query: TraceMetrics.Query) async throws -> [TraceMetrics.Sample]

    /// The experiments' traces matching `base` (all without one), and among those the ones
    /// matching each filter and both.
    func traceFilterCounts(
        experimentIDs: [ExperimentID], base: FilterTree<TraceFilter.Clause>?, first: FilterTree<TraceFilter.Clause>,
        second: FilterTree<TraceFilter.Clause>
    ) async throws -> TraceCorrelation
}
