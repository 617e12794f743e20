import Testing
import StrideDomain
import StrideStore

@Suite("Store contract: trace metrics and filter correlation")
struct TraceAnalyticsContractTests {
    @Test("a trace sample carries its time, dimensions and value; values in client text are read where they are JSON", arguments: StoreBackend.all)
    func traceSamples(backend: StoreBackend) async throws {
        try await withAnalytics(backend) { fixture, analytics in
            let counts = try await analytics.traceMetricSamples(query(fixture, .traces, .traceCount, dimensions: [.traceStatus, .traceName]))
            #expect(sorted(counts) == [
                sample(1000, ["ERROR", nil], 1), sample(1000, ["OK", "chat"], 1), sample(2000, ["OK", "plan"], 1),
            ], "the other experiment's trace is not counted")

            let tokens = try await analytics.traceMetricSamples(query(fixture, .traces, .tokens("input_tokens")))
            #expect(sorted(tokens).map(\.value) == [5, nil, 7.5], "usage that is not JSON has no value; an integral float is kept")

            let latency = try await analytics.traceMetricSamples(query(fixture, .traces, .traceLatency, filters: [.traceStatus("OK")]))
            #expect(sorted(latency).map(\.value) == [40, 60])

            let sessions = try await analytics.traceMetricSamples(query(fixture, .traces, .sessionCount))
            #expect(sessions.map(\.distinct).sorted { ($0 ?? "") < ($1 ?? "") } == [nil, "s-1", "s-1"])

            let tagged = try await analytics.traceMetricSamples(query(fixture, .traces, .traceCount, filters: [.traceTag("team", "a")]))
            #expect(tagged.count == 2)
            let byMetadata = try await analytics.traceMetricSamples(query(fixture, .traces, .traceCount, filters: [.traceMetadata(TraceMetrics.sessionMetadataKey, "s-1")]))
            #expect(byMetadata.count == 2)
        }
    }

    @Test("span samples: latency in whole milliseconds, cost from a map or a JSON string, the model from its attribute", arguments: StoreBackend.all)
    func spanSamples(backend: StoreBackend) async throws {
        try await withAnalytics(backend) { fixture, analytics in
            let latency = try await analytics.traceMetricSamples(query(fixture, .spans, .spanLatency, dimensions: [.spanName, .spanStatus]))
            #expect(sorted(latency) == [
                sample(1000, ["llm", "OK"], 12), sample(1000, ["retrieve", "ERROR"], nil), sample(2000, ["llm", "OK"], 3),
            ], "a span not ended has no latency; its time is its start")

            let cost = try await analytics.traceMetricSamples(query(fixture, .spans, .spanCost("input_cost"), dimensions: [.spanModelName]))
            #expect(sorted(cost) == [sample(1000, ["gpt-a"], 0.25), sample(1000, [nil], nil), sample(2000, ["gpt-b"], 2)])

            let errors = try await analytics.traceMetricSamples(query(fixture, .spans, .spanCount, filters: [.spanStatus("ERROR")]))
            #expect(errors.count == 1)
            let typed = try await analytics.traceMetricSamples(query(fixture, .spans, .spanCount, filters: [.spanType("LLM"), .spanName("llm")]))
            #expect(typed.count == 2)
        }
    }

    @Test("assessment samples: valid ones only, numbers, booleans and yes/no as values, the value as a dimension", arguments: StoreBackend.all)
    func assessmentSamples(backend: StoreBackend) async throws {
        try await withAnalytics(backend) { fixture, analytics in
            let values = try await analytics.traceMetricSamples(
                query(fixture, .assessments, .assessmentValue, dimensions: [.assessmentName, .assessmentValue]))
            #expect(sorted(values) == [
                sample(1000, ["correct", "true"], 1), sample(1000, ["relevance", "\" Yes \""], 1), sample(2000, ["relevance", "\"maybe\""], nil),
                sample(2000, ["score", "4"], 4),
            ], "the overridden assessment is left out")

            let feedback = try await analytics.traceMetricSamples(query(fixture, .assessments, .assessmentCount, filters: [.assessmentType("feedback")]))
            #expect(feedback.count == 3)
            let expectations = try await analytics.traceMetricSamples(
                query(fixture, .assessments, .assessmentCount, filters: [.assessmentType("expectation"), .assessmentName("correct")]))
            #expect(expectations.count == 1)
            let unknown = try await analytics.traceMetricSamples(query(fixture, .assessments, .assessmentCount, filters: [.assessmentType("note")]))
            #expect(unknown.isEmpty)
        }
    }

    @Test("filter correlation counts the traces matching each filter and both, within the base filter", arguments: StoreBackend.all)
    func correlation(backend: StoreBackend) async throws {
        try await withAnalytics(backend) { fixture, analytics in
            let counts = try await analytics.traceFilterCounts(
                experimentIDs: [fixture.experiment], base: nil, first: try TraceFilter.parse("trace.status = 'OK'"),
                second: try TraceFilter.parse("tags.team = 'a'"))
            #expect(counts == TraceCorrelation(totalCount: 3, filter1Count: 2, filter2Count: 2, jointCount: 1))

            let within = try await analytics.traceFilterCounts(
                experimentIDs: [fixture.experiment, fixture.other], base: try TraceFilter.parse("trace.timestamp_ms < 2000"),
                first: try TraceFilter.parse("span.name = 'llm'"), second: try TraceFilter.parse("feedback.relevance IS NOT NULL"))
            #expect(within == TraceCorrelation(totalCount: 3, filter1Count: 1, filter2Count: 1, jointCount: 1))
        }
    }
}

/// Two experiments: three traces in the first (two OK, one ERROR) with spans and assessments, one
/// in the other.
private struct AnalyticsFixture {
    var experiment: ExperimentID
    var other: ExperimentID
}

private func withAnalytics(_ backend: StoreBackend, _ body: (AnalyticsFixture, any TraceAnalyticsStore) async throws -> Void) async throws {
    try await withStore(backend) { store in
        let traces = try #require(store as? any TraceStore, "\(backend.name) stores traces")
        let analytics = try #require(store as? any TraceAnalyticsStore, "\(backend.name) serves trace metrics")
        let fixture = AnalyticsFixture(experiment: try await store.makeExperiment("e"), other: try await store.makeExperiment("other"))
        let session = KeyValue(key: TraceMetrics.sessionMetadataKey, value: "s-1")
        _ = try await traces.startTrace(trace(
            "tr-1", in: fixture.experiment, at: 1000, duration: 40, state: .ok, tags: [StrideDomain.Tag(key: TraceKeys.traceName, value: "chat"), StrideDomain.Tag(key: "team", value: "a")],
            metadata: [KeyValue(key: TraceKeys.tokenUsage, value: #"{"input_tokens": 5, "output_tokens": 2}"#), session]))
        _ = try await traces.startTrace(trace(
            "tr-2", in: fixture.experiment, at: 1000, duration: 90, state: .error, tags: [StrideDomain.Tag(key: "team", value: "a")],
            metadata: [KeyValue(key: TraceKeys.tokenUsage, value: "not json"), session]))
        _ = try await traces.startTrace(trace(
            "tr-3", in: fixture.experiment, at: 2000, duration: 60, state: .ok, tags: [StrideDomain.Tag(key: TraceKeys.traceName, value: "plan")],
            metadata: [KeyValue(key: TraceKeys.tokenUsage, value: #"{"input_tokens": 7.5}"#)]))
        _ = try await traces.startTrace(trace("tr-x", in: fixture.other, at: 1000, duration: 1, state: .ok))

        let mapCost = #"{"key": "mlflow.llm.cost", "value": {"kvlist_value": {"values": [{"key": "input_cost", "value": {"double_value": 0.25}}]}}}"#
        let textCost = #"{"key": "mlflow.llm.cost", "value": {"string_value": "{\"input_cost\": 2}"}}"#
        try await traces.logSpans(TraceSpanGroup.grouping([
            span("tr-1", "a1", name: "llm", start: 1_000_000_000, end: 1_012_500_000, attributes: [model("gpt-a"), mapCost]),
            span("tr-1", "a2", name: "retrieve", start: 1_000_000_000, end: nil, status: 2),
            span("tr-3", "b1", name: "llm", start: 2_000_000_000, end: 2_003_000_000, attributes: [model("gpt-b"), textCost]),
        ]), experimentID: fixture.experiment)

        try await traces.saveAssessment(assessment("as-1", on: "tr-1", name: "relevance", details: #"{"feedback": {"value": " Yes "}}"#))
        try await traces.saveAssessment(assessment("as-2", on: "tr-1", name: "correct", details: #"{"expectation": {"value": true}}"#))
        try await traces.saveAssessment(assessment("as-3", on: "tr-3", name: "relevance", details: #"{"feedback": {"value": "maybe"}}"#))
        try await traces.saveAssessment(assessment("as-4", on: "tr-3", name: "score", details: #"{"feedback": {"value": 4}}"#))
        try await traces.saveAssessment(assessment("as-5", on: "tr-3", name: "score", details: #"{"feedback": {"value": 1}}"#, valid: false))
        try await body(fixture, analytics)
    }
}

private func query(
    _ fixture: AnalyticsFixture, _ view: TraceMetrics.View, _ metric: TraceMetrics.Metric, dimensions: [TraceMetrics.Dimension] = [],
    filters: [TraceMetrics.Filter] = []
) -> TraceMetrics.Query {
    TraceMetrics.Query(
        experimentIDs: [fixture.experiment], view: view, metricName: "m", metric: metric, aggregations: [.init(kind: .count)],
        dimensions: dimensions, filters: filters)
}

private func sample(_ time: Int64, _ dimensions: [String?], _ value: Double?) -> TraceMetrics.Sample {
    TraceMetrics.Sample(timestampMs: time, dimensions: dimensions, value: value)
}

/// Samples in a fixed order (stores return them in no particular one).
private func sorted(_ samples: [TraceMetrics.Sample]) -> [TraceMetrics.Sample] {
    samples.sorted { left, right in
        let leftKey = "\(left.timestampMs) \(left.dimensions.map { $0 ?? "~" }) \(left.value.map { String($0) } ?? "~")"
        let rightKey = "\(right.timestampMs) \(right.dimensions.map { $0 ?? "~" }) \(right.value.map { String($0) } ?? "~")"
        return leftKey < rightKey
    }
}

private func trace(
    _ id: String, in experiment: ExperimentID, at time: Int64, duration: Int64, state: TraceState, tags: [StrideDomain.Tag] = [], metadata: [KeyValue] = []
) -> TraceInfo {
    TraceInfo(
        id: id, experimentID: experiment, requestTime: time, executionDuration: duration, state: state, clientRequestID: nil,
        requestPreview: nil, responsePreview: nil, metadata: metadata, tags: tags, assessments: [])
}

private func model(_ name: String) -> String {
    #"{"key": "mlflow.llm.model", "value": {"string_value": "\#(name)"}}"#
}

/// A child span (its parent is not in the trace, so the trace's own fields stay as started); times in nanoseconds.
private func span(
    _ traceID: String, _ id: String, name: String, start: Int64, end: Int64?, status: Int = 1, attributes: [String] = []
) -> IngestedSpan {
    IngestedSpan(span: TraceSpan(
        traceID: traceID, spanID: id, parentSpanID: "root", name: name, startTimeNanos: start, endTimeNanos: end, statusCode: status,
        spanType: "LLM", content: #"{"span_id": "\#(id)", "attributes": [\#(attributes.joined(separator: ", "))]}"#))
}

private func assessment(_ id: String, on traceID: String, name: String, details: String, valid: Bool = true) -> Assessment {
    Assessment(
        id: id, traceID: traceID, name: name, spanID: nil, createTime: 1, lastUpdateTime: 1, valid: valid, overrides: nil, details: details)
}
