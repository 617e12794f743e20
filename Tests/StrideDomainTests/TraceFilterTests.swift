import Testing
import StrideDomain

@Suite("The trace search filter")
struct TraceFilterTests {
    @Test("trace attributes, tags and metadata resolve to their clauses")
    func clauses() throws {
        let clauses = try TraceFilter.parse(
            "trace.status = 'OK' AND trace.timestamp_ms > 1700000000000 AND execution_time_ms <= 50 AND tags.team = 'ml' "
                + "AND metadata.`mlflow.user` LIKE 'a%' AND request_metadata.k IS NULL").clauses
        #expect(clauses == [
            .text(.status, .equal, ["OK"]), .number(.timestamp, .greater, 1_700_000_000_000), .number(.executionTime, .lessOrEqual, 50),
            .tag("team", .equal, ["ml"]), .metadata("mlflow.user", .like, ["a%"]), .metadata("k", .isNull, []),
        ])
    }

    @Test("name is the trace-name tag; run_id covers recorded and linked runs")
    func mappedAttributes() throws {
        let clauses = try TraceFilter.parse("trace.name = 'answer' AND attribute.run_id IN ('r1', 'r2')").clauses
        #expect(clauses == [.tag(TraceKeys.traceName, .equal, ["answer"]), .runID(.in, ["r1", "r2"])])
    }

    @Test("trace.text and span.content match span text; span fields and attributes take string comparisons")
    func spanClauses() throws {
        let clauses = try TraceFilter.parse(
            "trace.text LIKE '%value%' AND span.content ILIKE '%x%' AND span.name = 'llm' AND span.type IN ('LLM', 'TOOL') "
                + "AND span.status != 'ERROR' AND span.attributes.model LIKE 'gpt%'").clauses
        #expect(clauses == [
            .spanText(.like, ["%value%"]), .spanText(.iLike, ["%x%"]), .span(.name, .equal, ["llm"]), .span(.type, .in, ["LLM", "TOOL"]),
            .span(.status, .notEqual, ["ERROR"]), .span(.attribute("model"), .like, ["gpt%"]),
        ])
    }

    @Test("feedback and expectation compare values as text or numbers, or test presence")
    func assessmentClauses() throws {
        let clauses = try TraceFilter.parse(
            "feedback.correct = 'true' AND feedback.score >= 4 AND expectation.answer IS NOT NULL AND feedback.tone IS NULL").clauses
        #expect(clauses == [
            .assessment(.feedback, "correct", .equal, .text("true")), .assessment(.feedback, "score", .greaterOrEqual, .number(4)),
            .assessment(.expectation, "answer", .isNotNull, .none), .assessment(.feedback, "tone", .isNull, .none),
        ])
    }

    @Test("prompt takes one name/version with =")
    func promptClause() throws {
        #expect(try TraceFilter.parse("trace.prompt = 'qa/3'").clauses == [.prompt("qa/3")])
        #expect(throws: StrideError.self) { try TraceFilter.parse("prompt = 'qa'") }
        #expect(throws: StrideError.self) { try TraceFilter.parse("prompt LIKE 'qa/%'") }
    }

    @Test("span and assessment terms MLflow refuses are refused", arguments: [
        "trace.text = 'x'", "span.content = 'x'", "span.kind = 'x'", "span.attributes. = 'x'", "span.name > 'a'", "feedback.score > 'high'",
        "feedback.x IN ('a')", "span.name = 1",
    ])
    func refusedSpanTerms(filter: String) {
        #expect(throws: StrideError.self) { try TraceFilter.parse(filter) }
    }

    @Test("other searches still refuse the span, feedback and expectation prefixes")
    func scopedToTraces() {
        #expect(throws: StrideError.self) { try RunFilterClause.parse("span.name = 'x'") }
        #expect(throws: StrideError.self) { try RunFilterClause.parse("feedback.x = 'y'") }
    }

    @Test("OR, NOT and parentheses are kept as a tree")
    func booleanStructure() throws {
        let tree = try TraceFilter.parse("NOT (trace.name = 'a' OR trace.name = 'b')")
        #expect(tree == .not(.any([.clause(.tag(TraceKeys.traceName, .equal, ["a"])), .clause(.tag(TraceKeys.traceName, .equal, ["b"]))])))
    }

    @Test("run entities, strings for times and fractional milliseconds are refused", arguments: [
        "metrics.loss > 1", "params.lr = '1'", "trace.timestamp_ms > '5'", "trace.execution_time_ms > 1.5", "trace.status > 'OK'",
        "trace.bogus = 'x'", "tags.k > 'x'",
    ])
    func refused(filter: String) {
        #expect(throws: StrideError.self) { try TraceFilter.parse(filter) }
    }

    @Test("order_by reads attributes in both spellings and refuses duplicates")
    func order() throws {
        #expect(try TraceFilter.parseOrder(["timestamp_ms DESC", "name"]) == [
            TraceFilter.Order(key: .timestamp, ascending: false), TraceFilter.Order(key: .name, ascending: true),
        ])
        #expect(throws: StrideError.self) { try TraceFilter.parseOrder(["timestamp", "timestamp_ms"]) }
        #expect(throws: StrideError.self) { try TraceFilter.parseOrder(["tags.x"]) }
    }
}

@Suite("Protobuf-JSON timestamps and durations")
struct ProtobufTimeTests {
    @Test("RFC 3339 timestamps read to milliseconds, offsets applied")
    func timestamps() {
        #expect(ProtobufTime.milliseconds(fromTimestamp: "2026-11-27T15:48:45.762Z") == 1_795_794_525_762)
        #expect(ProtobufTime.milliseconds(fromTimestamp: "2026-11-27T16:48:45.762123456+01:00") == 1_795_794_525_762)
        #expect(ProtobufTime.milliseconds(fromTimestamp: "1970-01-01T00:00:00Z") == 0)
        #expect(ProtobufTime.milliseconds(fromTimestamp: "1969-12-31T23:59:59.5Z") == -500)
    }

    @Test("malformed timestamps are nil, never a trap", arguments: [
        "", "yesterday", "2026-13-01T00:00:00Z", "2026-11-27T15:48:45", "2026-11-27T15:48:45.Z", "2026-11-27T15:48:45.1234567890Z",
        "99999-01-01T00:00:00Z", "2026-11-27T15:48:45+25:00",
    ])
    func malformedTimestamps(text: String) {
        #expect(ProtobufTime.milliseconds(fromTimestamp: text) == nil)
    }

    @Test("timestamps written in UTC with milliseconds round-trip")
    func writtenTimestamps() {
        #expect(ProtobufTime.timestamp(milliseconds: 1_795_794_525_762) == "2026-11-27T15:48:45.762Z")
        #expect(ProtobufTime.timestamp(milliseconds: -500) == "1969-12-31T23:59:59.500Z")
        #expect(ProtobufTime.milliseconds(fromTimestamp: ProtobufTime.timestamp(milliseconds: 42)) == 42)
    }

    @Test("durations read and written")
    func durations() {
        #expect(ProtobufTime.milliseconds(fromDuration: "0.166s") == 166)
        #expect(ProtobufTime.milliseconds(fromDuration: "3s") == 3000)
        #expect(ProtobufTime.milliseconds(fromDuration: "-1.000000001s") == -1000)
        #expect(ProtobufTime.milliseconds(fromDuration: "1.5") == nil)
        #expect(ProtobufTime.milliseconds(fromDuration: "9999999999999s") == nil)
        #expect(ProtobufTime.duration(milliseconds: 166) == "0.166s")
        #expect(ProtobufTime.duration(milliseconds: 12_005) == "12.005s")
    }
}
