import Testing

@testable import StrideDomain

@Suite struct TraceSpanGroupTests {
    static func span(_ id: String, parent: String?, start: Int64, end: Int64?, status: Int = 1, usage: [(String, Int64)]? = nil) -> IngestedSpan {
        IngestedSpan(
            span: TraceSpan(
                traceID: "tr-1", spanID: id, parentSpanID: parent, name: id, startTimeNanos: start, endTimeNanos: end, statusCode: status,
                spanType: nil, content: "{}"),
            tokenUsage: usage.flatMap { TokenUsage(reported: $0.map { (key: $0.0, value: $0.1) }) })
    }

    @Test func aGroupTakesItsTimesAndStateFromItsSpans() throws {
        let groups = TraceSpanGroup.grouping([
            Self.span("b", parent: "a", start: 2_000_000, end: 9_000_000),
            Self.span("a", parent: nil, start: 1_000_000, end: 5_000_000, status: TraceSpan.errorStatusCode),
        ])
        let group = try #require(groups.first)
        #expect(groups.count == 1)
        #expect(group.startTime == 1 && group.endTime == 9)
        #expect(group.rootState == .error)
        #expect(group.tags == [Tag(key: TraceKeys.spansLocation, value: TraceKeys.spansInTrackingStore)])
    }

    @Test func usageUnderASpanThatReportsUsageIsNotCountedTwice() {
        let group = TraceSpanGroup.grouping([
            Self.span("agent", parent: nil, start: 0, end: 1, usage: [("input_tokens", 10), ("output_tokens", 4), ("total_tokens", 14)]),
            Self.span("llm", parent: "agent", start: 0, end: 1, usage: [("input_tokens", 10), ("output_tokens", 4), ("total_tokens", 14)]),
            Self.span("other", parent: nil, start: 0, end: 1, usage: [("input_tokens", 1)]),
        ])[0]
        #expect(group.tokenUsage?.jsonText == #"{"input_tokens": 11, "output_tokens": 4, "total_tokens": 14}"#)
    }

    @Test func tokenUsageReadsBackWhatItWrites() {
        let usage = TokenUsage(reported: [(key: "total_tokens", value: 9), (key: "cache_read_input_tokens", value: 2)])
        #expect(usage.flatMap { TokenUsage(jsonText: $0.jsonText) } == usage)
        #expect(TokenUsage(jsonText: "[1]") == nil)
        #expect(TokenUsage(reported: [(key: "input_tokens", value: .max)])?.adding(TokenUsage(reported: [(key: "input_tokens", value: 1)])!).count("input_tokens") == .max)
    }
}
