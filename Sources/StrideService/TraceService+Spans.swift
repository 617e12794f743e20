public import StrideDomain
import StrideStore

extension TraceService {
    /// Stores the spans of an OTLP export to `experimentID` (MLflow's `x-mlflow-experiment-id`):
    /// traces it has not seen are created there, stored ones are brought up to date (see
    /// ``TraceStore/logSpans(_:experimentID:)``); all spans or none. With `runID`, the traces whose
    /// root span arrived are linked to that run, as MLflow's `x-mlflow-run-id` asks.
    /// Answers how many spans it stored.
    public func logSpans(
        _ spans: [IngestedSpan], experimentID: String, runID: String? = nil, project: String = ProjectContext.current
    ) async throws -> Int {
        let experiment = try await tracking.experiment(id: experimentID, project: project)
        var groups = TraceSpanGroup.grouping(spans)
        let owners = try await store.traceExperiments(ids: groups.map(\.traceID))
        for index in groups.indices {
            let id = groups[index].traceID
            try TraceID.validate(id)
            if let owner = owners[id], try await !tracking.ownership.owns(owner, project) { throw Self.missing(id) }
            // A tag the client could not have set with `set_trace_tag` is dropped, as MLflow's server does.
            groups[index].tags = groups[index].tags.compactMap { try? EntityValidation.validatedTag($0, path: "tags") }
            groups[index].artifactLocation = tracking.artifacts.traceLocation(experimentLocation: experiment.artifactLocation, traceID: id)
        }
        guard !groups.isEmpty else { return 0 }
        try await store.logSpans(groups, experimentID: experiment.id)
        let completed = groups.filter { $0.rootState != nil }.map(\.traceID)
        if let runID, !runID.isEmpty, !completed.isEmpty {
            // MLflow logs and ignores a failed link: the spans are stored either way.
            try? await link(traceIDs: completed, toRun: runID, project: project)
        }
        return spans.count
    }
}
