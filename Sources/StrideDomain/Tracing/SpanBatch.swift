/// A span as an OTLP export delivers it, with what it says about its trace beyond the span itself.
public struct IngestedSpan: Sendable, Equatable {
    public var span: TraceSpan
    /// The span's `mlflow.chat.tokenUsage`, when it reports one.
    public var tokenUsage: TokenUsage?
    /// For a root span, the request and response previews from its inputs and outputs.
    public var requestPreview: String?
    public var responsePreview: String?
    /// Trace tags the span carries: the resource's attributes and, on a root span, its
    /// `mlflow.traceTag.<key>` attributes (the latter win on a clash).
    public var traceTags: [Tag]

    public init(
        span: TraceSpan, tokenUsage: TokenUsage? = nil, requestPreview: String? = nil, responsePreview: String? = nil, traceTags: [Tag] = []
    ) {
        self.span = span
        self.tokenUsage = tokenUsage
        self.requestPreview = requestPreview
        self.responsePreview = responsePreview
        self.traceTags = traceTags
    }

    public var isRoot: Bool { span.parentSpanID == nil }
}

/// The spans one export delivers for one trace, and what they say about the trace: its time
/// range, the state its root span ended in, previews, token usage and tags.
public struct TraceSpanGroup: Sendable, Equatable {
    public var traceID: String
    public var spans: [TraceSpan]
    /// The earliest span start, in milliseconds.
    public var startTime: Int64
    /// The latest span end, in milliseconds; nil while no span has ended.
    public var endTime: Int64?
    /// OK or ERROR from the root span, when the group holds it.
    public var rootState: TraceState?
    public var requestPreview: String?
    public var responsePreview: String?
    /// Usage summed over the spans, a span's count left out where an ancestor already reports
    /// usage (frameworks that roll their children's usage up into a parent).
    public var tokenUsage: TokenUsage?
    /// Tags to set on the trace: the spans location and the tags the spans carry.
    public var tags: [Tag]
    /// Where the trace's artifacts live; the service sets it, the store writes it on a new trace.
    public var artifactLocation: String?

    /// Groups spans by trace, in the order each trace first appears.
    public static func grouping(_ spans: [IngestedSpan]) -> [TraceSpanGroup] {
        var order: [String] = []
        var byTrace: [String: [IngestedSpan]] = [:]
        for span in spans {
            if byTrace[span.span.traceID] == nil { order.append(span.span.traceID) }
            byTrace[span.span.traceID, default: []].append(span)
        }
        return order.compactMap { id in byTrace[id].map { TraceSpanGroup(traceID: id, spans: $0) } }
    }

    init(traceID: String, spans ingested: [IngestedSpan]) {
        self.traceID = traceID
        spans = ingested.map(\.span)
        startTime = (ingested.map(\.span.startTimeNanos).min() ?? 0) / 1_000_000
        endTime = ingested.compactMap(\.span.endTimeNanos).max().map { $0 / 1_000_000 }
        let root = ingested.first(where: \.isRoot)
        rootState = root.map { $0.span.statusCode == TraceSpan.errorStatusCode ? .error : .ok }
        requestPreview = root?.requestPreview
        responsePreview = root?.responsePreview
        tokenUsage = Self.treeUsage(ingested)
        var tags = [Tag(key: TraceKeys.spansLocation, value: TraceKeys.spansInTrackingStore)]
        for span in ingested where !span.isRoot { tags.append(contentsOf: span.traceTags) }
        tags.append(contentsOf: root?.traceTags ?? [])
        self.tags = uniqueByKey(tags.filter { $0.key != TraceKeys.spansLocation } + [tags[0]])
    }

    /// Sums usage over the spans whose ancestors in the group report none.
    static func treeUsage(_ spans: [IngestedSpan]) -> TokenUsage? {
        let byID = Dictionary(spans.map { ($0.span.spanID, $0) }, uniquingKeysWith: { first, _ in first })
        var total: TokenUsage?
        for span in spans {
            guard let usage = span.tokenUsage else { continue }
            var parent = span.span.parentSpanID
            var ancestorReports = false
            var steps = 0
            // Bounded by the group's size: a client that sends a parent cycle cannot loop us.
            while let id = parent, let ancestor = byID[id], steps < spans.count {
                if ancestor.tokenUsage != nil { ancestorReports = true; break }
                parent = ancestor.span.parentSpanID
                steps += 1
            }
            if !ancestorReports { total = total.map { $0.adding(usage) } ?? usage }
        }
        return total
    }
}
