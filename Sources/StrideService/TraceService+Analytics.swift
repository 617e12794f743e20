public import StrideDomain
import StrideStore

/// `traces/metrics` and `traces/calculate-filter-correlation`, over the caller's experiments.
extension TraceService {
    /// Validates the request against MLflow's table of metrics, reads the samples and aggregates them.
    public func queryMetrics(
        experimentIDs: [String], view: TraceMetrics.View, metricName: String, aggregations: [TraceMetrics.Aggregation], dimensions: [String],
        filters: [String], timeIntervalSeconds: Int64?, startTimeMs: Int64?, endTimeMs: Int64?, maxResults: Int?,
        project: String = ProjectContext.current
    ) async throws -> [TraceMetrics.DataPoint] {
        let ids = try await ownedExperiments(experimentIDs, project: project)
        let query = try TraceMetrics.query(
            experimentIDs: ids, view: view, metricName: metricName, aggregations: aggregations, dimensions: dimensions, filters: filters,
            timeIntervalSeconds: timeIntervalSeconds, startTimeMs: startTimeMs, endTimeMs: endTimeMs,
            maxResults: min(maxResults ?? Limits.maxTraceMetricDataPoints, Limits.maxTraceMetricDataPoints))
        return TraceMetrics.aggregate(try await analytics().traceMetricSamples(query), query)
    }

    /// How the traces matching `filter1` and those matching `filter2` co-occur among the
    /// experiments' traces (those matching `baseFilter`, when given).
    public func filterCorrelation(
        experimentIDs: [String], filter1: String, filter2: String, baseFilter: String?, project: String = ProjectContext.current
    ) async throws -> TraceCorrelation {
        let ids = try await ownedExperiments(experimentIDs, project: project)
        let first = try TraceFilter.parse(filter1)
        let second = try TraceFilter.parse(filter2)
        let base = try baseFilter.flatMap { $0.isEmpty ? nil : $0 }.map { (text) throws(StrideError) in try TraceFilter.parse(text) }
        return try await analytics().traceFilterCounts(experimentIDs: ids, base: base, first: first, second: second)
    }

    private func ownedExperiments(_ experimentIDs: [String], project: String) async throws -> [ExperimentID] {
        guard !experimentIDs.isEmpty else { throw StrideError.missingValue("experiment_ids") }
        let ids = try ExperimentID.searchList(experimentIDs)
        for id in ids { try await tracking.ownership.requireExperiment(id, in: project) }
        return ids
    }

    private func analytics() throws(StrideError) -> any TraceAnalyticsStore {
        guard let analytics = store as? any TraceAnalyticsStore else {
            throw StrideError(.notImplemented, "Trace metrics and filter correlation are not served by this backend store yet.")
        }
        return analytics
    }
}
