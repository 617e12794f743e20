public import StrideDomain

/// Persistence for MLflow 3 traces: their info, tags, metadata, assessments, spans and links to runs.
///
/// Each call is one transaction. Stores know nothing of projects: the service checks every trace
/// id against the caller's project (``traceExperiments(ids:)``) before it reads or writes.
public protocol TraceStore: Sendable {
    /// Stores a trace, or completes one whose spans arrived first: the given fields replace the
    /// stored ones and its tags and metadata are added. An unknown experiment is `RESOURCE_DOES_NOT_EXIST`.
    func startTrace(_ trace: TraceInfo) async throws -> TraceInfo

    /// The experiment of each stored trace among `ids`; unknown ids are absent.
    func traceExperiments(ids: [String]) async throws -> [String: ExperimentID]

    /// The traces among `ids` with their tags, metadata and assessments, in the order of `ids`; unknown ids are skipped.
    func traceInfos(ids: [String]) async throws -> [TraceInfo]

    /// One keyset page of the experiments' traces matching the query, in its order.
    func searchTraces(_ query: TraceQuery) async throws -> (traces: [TraceInfo], next: RunSearchCursor?)

    /// Deletes the traces among `ids` with everything they hold; answers how many existed.
    func deleteTraces(ids: [String]) async throws -> Int

    /// Deletes at most `limit` of the experiment's traces older than `before` (ms), oldest first.
    func deleteTraces(experimentID: ExperimentID, before: Int64, limit: Int) async throws -> Int

    /// Sets (overwrites) a tag on a stored trace.
    func setTraceTag(id: String, tag: Tag) async throws

    /// Removes a tag; a missing tag is `RESOURCE_DOES_NOT_EXIST`.
    func deleteTraceTag(id: String, key: String) async throws

    /// Links stored traces to a run (repeat links are kept once).
    func linkTraces(ids: [String], toRun runID: String) async throws

    /// Inserts the assessment, or replaces the one with its id; with `overrides`, marks that one invalid.
    func saveAssessment(_ assessment: Assessment) async throws

    /// Removes an assessment; an unknown one is `RESOURCE_DOES_NOT_EXIST`. An assessment it had
    /// overridden becomes valid again, as in MLflow.
    func deleteAssessment(traceID: String, id: String) async throws

    /// The trace's spans in start order.
    func spans(traceID: String) async throws -> [TraceSpan]

    /// Stores exported spans in one transaction, as MLflow's `log_spans` does: a trace not yet
    /// stored is created in `experimentID` (time, duration and state from its spans, the group's
    /// artifact location tag); a stored one keeps its experiment, and unless `start_trace` has
    /// finalized it, its time range widens to cover the spans. A trace still in progress takes its
    /// root span's state; missing previews are filled; token usage is added to the trace's
    /// `mlflow.trace.tokenUsage` unless `start_trace` set it; the group's tags are set; a span
    /// sent again replaces the stored one. An unknown experiment is `RESOURCE_DOES_NOT_EXIST`.
    func logSpans(_ groups: [TraceSpanGroup], experimentID: ExperimentID) async throws

}

/// A `traces/search` request, parsed and validated.
public struct TraceQuery: Sendable {
    public var experimentIDs: [ExperimentID]
    public var filter: FilterTree<TraceFilter.Clause>
    public var order: [TraceFilter.Order]
    public var maxResults: Int
    /// The order values and trace id of the last trace of the previous page.
    public var after: RunSearchCursor?

    public init(
        experimentIDs: [ExperimentID], filter: FilterTree<TraceFilter.Clause> = .matchAll, order: [TraceFilter.Order] = [],
        maxResults: Int = 100, after: RunSearchCursor? = nil
    ) {
        self.experimentIDs = experimentIDs
        self.filter = filter
        self.order = order
        self.maxResults = maxResults
        self.after = after
    }
}
