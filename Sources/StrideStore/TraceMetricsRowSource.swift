public import StrideDomain

/// Where the rows of a `traces/metrics` view come from in the trace tables both stores share, in
/// SQL both dialects read alike: the tables (traces as `t`, spans as `s`, assessments as `a`) and
/// each row's time in milliseconds. A span counts at its start; a trace and its assessments at
/// the trace's request time.
public struct TraceMetricsRowSource: Sendable, Equatable {
    public let tables: String
    public let timestampMs: String
    /// Only assessments still valid (not overridden) count; the store writes its own boolean test.
    public let validAssessmentsOnly: Bool

    public init(_ view: TraceMetrics.View) {
        switch view {
        case .traces:
            (tables, timestampMs, validAssessmentsOnly) = ("traces t", "t.request_time", false)
        case .spans:
            (tables, timestampMs, validAssessmentsOnly) = ("trace_spans s JOIN traces t ON t.trace_pk = s.trace_pk", "(s.start_time_ns / 1000000)", false)
        case .assessments:
            (tables, timestampMs, validAssessmentsOnly) = ("trace_assessments a JOIN traces t ON t.trace_pk = a.trace_pk", "t.request_time", true)
        }
    }
}
