public import StrideDomain
import StrideStore

/// MLflow 2's trace routes (`POST /api/2.0/mlflow/traces`, `PATCH .../traces/<request_id>`),
/// which MLflow 3 still serves: a trace started with a time and ended with another.
extension TraceService {
    /// Creates an in-progress trace with a fresh `tr-` id, the given metadata and tags, and the
    /// artifact location tag.
    public func startLegacy(
        experimentID: String, timestampMs: Int64, metadata: [KeyValue], tags: [Tag], project: String = ProjectContext.current
    ) async throws -> TraceInfo {
        let experiment = try await tracking.experiment(id: experimentID, project: project)
        guard experiment.lifecycleStage == .active else {
            throw StrideError.invalidParameter("The experiment \(experiment.id) must be in the 'active' state. Current state is deleted.")
        }
        let id = "tr-" + RunIDGenerator.make()
        var trace = try Self.validated(TraceInfo(
            id: id, experimentID: experiment.id, requestTime: timestampMs, executionDuration: nil, state: .inProgress,
            clientRequestID: nil, requestPreview: nil, responsePreview: nil, metadata: uniqueByKey(metadata), tags: uniqueByKey(tags),
            assessments: []))
        let location = tracking.artifacts.traceLocation(experimentLocation: experiment.artifactLocation, traceID: id)
        trace.tags = uniqueByKey(trace.tags.filter { $0.key != TraceKeys.artifactLocation } + [Tag(key: TraceKeys.artifactLocation, value: location)])
        return try await store.startTrace(trace)
    }

    /// Ends a trace: its execution time runs to `timestampMs`, it takes `state`, and the given
    /// metadata and tags are merged over the stored ones.
    public func endLegacy(
        id: String, timestampMs: Int64, state: TraceState, metadata: [KeyValue], tags: [Tag], project: String = ProjectContext.current
    ) async throws -> TraceInfo {
        var trace = try await trace(id: id, project: project)
        let (duration, overflow) = timestampMs.subtractingReportingOverflow(trace.requestTime)
        guard !overflow else { throw StrideError.invalidParameter("Invalid value \(timestampMs) for parameter 'timestamp_ms'.") }
        trace.executionDuration = duration
        trace.state = state
        trace.metadata = uniqueByKey(trace.metadata + metadata)
        trace.tags = uniqueByKey(trace.tags + tags)
        trace.assessments = []
        trace = try Self.validated(trace)
        _ = try await store.startTrace(trace)
        return try await self.trace(id: id, project: project)
    }
}
