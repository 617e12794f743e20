import Testing
import StrideDomain

@Suite("Trace metrics (traces/metrics)")
struct TraceMetricsTests {
    private func query(
        _ metric: String, _ aggregations: [TraceMetrics.Aggregation], view: TraceMetrics.View = .traces, dimensions: [String] = [],
        filters: [String] = [], interval: Int64? = nil, start: Int64? = nil, end: Int64? = nil
    ) throws -> TraceMetrics.Query {
        try TraceMetrics.query(
            experimentIDs: [ExperimentID(1)], view: view, metricName: metric, aggregations: aggregations, dimensions: dimensions, filters: filters,
            timeIntervalSeconds: interval, startTimeMs: start, endTimeMs: end, maxResults: 1000)
    }

    @Test("trace counts group by status in ascending order, as MLflow's GROUP BY does")
    func countByStatus() throws {
        let query = try query("trace_count", [.init(kind: .count)], dimensions: ["trace_status"])
        let samples = [("OK", 1), ("ERROR", 2), ("OK", 3)].map { TraceMetrics.Sample(timestampMs: Int64($0.1), dimensions: [$0.0], value: 1) }
        #expect(TraceMetrics.aggregate(samples, query) == [
            .init(metricName: "trace_count", dimensions: [KeyValue(key: "trace_status", value: "ERROR")], values: [("COUNT", 1)]),
            .init(metricName: "trace_count", dimensions: [KeyValue(key: "trace_status", value: "OK")], values: [("COUNT", 2)]),
        ])
    }

    @Test("latency aggregations skip missing values; percentiles interpolate linearly")
    func latency() throws {
        let query = try query("latency", [.init(kind: .avg), .init(kind: .min), .init(kind: .max), .init(kind: .percentile, percentile: 50),
                                          .init(kind: .percentile, percentile: 90)])
        let samples = [10.0, 20, 30, 40, nil].map { TraceMetrics.Sample(timestampMs: 0, dimensions: [], value: $0) }
        let point = try #require(TraceMetrics.aggregate(samples, query).first)
        #expect(point.values.map(\.key) == ["AVG", "MIN", "MAX", "P50.0", "P90.0"])
        #expect(point.values.map(\.value) == [25, 10, 40, 25, 37])
    }

    @Test("without dimensions there is one point even with no samples; a value-less aggregation is left out")
    func emptyGroups() throws {
        #expect(TraceMetrics.aggregate([], try query("trace_count", [.init(kind: .count)])).map(\.values.first?.value) == [0])
        #expect(TraceMetrics.aggregate([], try query("latency", [.init(kind: .avg)])).isEmpty)
    }

    @Test("time buckets are floored to the interval, written as Python's isoformat, and bounded by start and end")
    func timeBuckets() throws {
        let query = try query("trace_count", [.init(kind: .count)], interval: 3600, start: 0, end: 2 * 3_600_000)
        let samples = [10, 3_599_999, 3_600_000, 9_000_000].map { TraceMetrics.Sample(timestampMs: $0, dimensions: [], value: 1) }
        let points = TraceMetrics.aggregate(samples, query)
        #expect(points.map(\.dimensions) == [
            [KeyValue(key: "time_bucket", value: "1970-01-01T00:00:00+00:00")], [KeyValue(key: "time_bucket", value: "1970-01-01T01:00:00+00:00")],
        ])
        #expect(points.map { $0.values[0].value } == [2, 1])
        #expect(TraceMetrics.isoTimestamp(milliseconds: 1_735_689_600_500) == "2025-01-01T00:00:00.500000+00:00")
    }

    @Test("session counts count distinct sessions")
    func sessions() throws {
        let query = try query("session_count", [.init(kind: .count)])
        let samples = ["a", "b", "a"].map { TraceMetrics.Sample(timestampMs: 0, dimensions: [], value: nil, distinct: $0) }
        #expect(TraceMetrics.aggregate(samples, query).first?.values.first?.value == 2)
    }

    @Test("filters read trace, span and assessment terms for their views")
    func filters() throws {
        #expect(try query("trace_count", [.init(kind: .count)], filters: ["trace.status = 'OK'", "trace.tag.env = 'prod'",
                                                                          "trace.metadata.user = 'me'"]).filters
            == [.traceStatus("OK"), .traceTag("env", "prod"), .traceMetadata("user", "me")])
        #expect(try query("span_count", [.init(kind: .count)], view: .spans, filters: ["span.type = 'LLM'"]).filters == [.spanType("LLM")])
        #expect(try query("assessment_count", [.init(kind: .count)], view: .assessments, filters: ["assessment.type = 'feedback'"]).filters
            == [.assessmentType("feedback")])
    }

    @Test("names outside MLflow's table are refused", arguments: [
        ("trace_count", TraceMetrics.AggregationKind.avg, "trace_status"), ("latency", .count, ""), ("trace_count", .count, "span_name"),
        ("bogus", .count, ""),
    ])
    func refused(metric: String, kind: TraceMetrics.AggregationKind, dimension: String) {
        #expect(throws: StrideError.self) {
            try query(metric, [.init(kind: kind)], dimensions: dimension.isEmpty ? [] : [dimension])
        }
    }

    @Test("bad filters and time windows are refused", arguments: [
        "span.name = 'x'", "trace.status != 'OK'", "trace.status = 'OK' AND trace.status = 'ERROR'", "trace.bogus = 'x'", "trace.tag = 'x'",
    ])
    func refusedFilters(filter: String) {
        #expect(throws: StrideError.self) { try query("trace_count", [.init(kind: .count)], filters: [filter]) }
    }

    @Test("an interval needs start and end")
    func intervalNeedsRange() {
        #expect(throws: StrideError.self) { try query("trace_count", [.init(kind: .count)], interval: 60) }
    }
}

@Suite("Trace filter correlation (NPMI)")
struct TraceCorrelationTests {
    @Test("a strong association scores between 0.6 and 0.8, as MLflow's suite expects")
    func association() {
        let result = TraceCorrelation(totalCount: 10, filter1Count: 6, filter2Count: 7, jointCount: 6)
        #expect(result.npmi > 0.6 && result.npmi < 0.8)
        #expect(!result.npmiSmoothed.isNaN)
    }

    @Test("no support is undefined; support without overlap is -1; perfect co-occurrence is 1")
    func edges() {
        #expect(TraceCorrelation(totalCount: 10, filter1Count: 0, filter2Count: 7, jointCount: 0).npmi.isNaN)
        #expect(TraceCorrelation(totalCount: 0, filter1Count: 0, filter2Count: 0, jointCount: 0).npmiSmoothed.isNaN)
        #expect(TraceCorrelation(totalCount: 10, filter1Count: 3, filter2Count: 7, jointCount: 0).npmi == -1)
        #expect(TraceCorrelation(totalCount: 5, filter1Count: 5, filter2Count: 5, jointCount: 5).npmi == 1)
        #expect(TraceCorrelation(totalCount: 10, filter1Count: 8, filter2Count: 8, jointCount: 1).npmi.isNaN)
    }
}
