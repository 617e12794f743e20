public import StrideDomain

/// Links of traces MLflow 3.12 keeps beyond ``TraceStore``'s: prompt versions a trace used, and
/// links to runs named before the trace is stored. A store adopts it beside ``TraceStore``.
public protocol TraceLinkStore: Sendable {
    /// Links a stored trace to prompt versions, each written `name/version` (repeats kept once).
    /// An unknown trace is `RESOURCE_DOES_NOT_EXIST`.
    func linkPrompts(traceID: String, versions: [String]) async throws

    /// Remembers links to a run for traces not stored yet (their spans are still on the way);
    /// `run_id` search matches them once they arrive. Deleting the trace forgets them.
    func linkUnstoredTraces(ids: [String], toRun runID: String) async throws
}
