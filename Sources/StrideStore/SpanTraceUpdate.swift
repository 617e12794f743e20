public import StrideDomain

/// What more spans can change of a stored trace, as the store holds it.
public struct StoredTraceProgress: Sendable, Equatable {
    public var requestTime: Int64
    public var executionTime: Int64?
    public var state: TraceState
    /// Whether `start_trace` has written the trace's fields (its `mlflow.trace.infoFinalized` metadata).
    public var finalized: Bool
    /// The trace's `mlflow.trace.tokenUsage` metadata, when it holds usage.
    public var tokenUsage: TokenUsage?

    public init(requestTime: Int64, executionTime: Int64?, state: TraceState, finalized: Bool, tokenUsage: TokenUsage?) {
        self.requestTime = requestTime
        self.executionTime = executionTime
        self.state = state
        self.finalized = finalized
        self.tokenUsage = tokenUsage
    }
}

/// What a stored trace becomes when more of its spans arrive: the rule of
/// ``TraceStore/logSpans(_:experimentID:)`` that every store applies.
public struct SpanTraceUpdate: Sendable, Equatable {
    public var requestTime: Int64
    public var executionTime: Int64?
    public var state: TraceState
    /// The new `mlflow.trace.tokenUsage`; nil leaves it as it is.
    public var tokenUsage: TokenUsage?

    public init(group: TraceSpanGroup, stored: StoredTraceProgress) {
        if stored.finalized {
            requestTime = stored.requestTime
            executionTime = stored.executionTime
        } else {
            requestTime = min(stored.requestTime, group.startTime)
            let storedEnd = stored.executionTime.map { stored.requestTime.addingReportingOverflow($0).partialValue }
            let end = [storedEnd, group.endTime].compactMap { $0 }.max()
            let start = requestTime
            executionTime = end.map { $0 - start }
        }
        state = [.inProgress, .unspecified].contains(stored.state) ? group.rootState ?? stored.state : stored.state
        if let usage = group.tokenUsage, !(stored.finalized && stored.tokenUsage != nil) {
            tokenUsage = stored.tokenUsage.map { $0.adding(usage) } ?? usage
        }
    }

    /// The trace as stored once this update is written.
    public func applied(to stored: StoredTraceProgress) -> StoredTraceProgress {
        StoredTraceProgress(
            requestTime: requestTime, executionTime: executionTime, state: state, finalized: stored.finalized,
            tokenUsage: tokenUsage ?? stored.tokenUsage)
    }
}
