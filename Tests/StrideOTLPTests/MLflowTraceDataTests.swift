import Foundation
import StrideDomain
import SwiftProtobuf
import Testing

@testable import StrideOTLP

@Suite("traces.json from stored spans")
struct MLflowTraceDataTests {
    private func stored(_ span: OTLPSpan) throws -> TraceSpan {
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        return TraceSpan(
            traceID: "tr-x", spanID: "s", parentSpanID: nil, name: span.name, startTimeNanos: 1, endTimeNanos: 2, statusCode: 1, spanType: nil,
            content: try span.jsonString(options: options))
    }

    @Test("a span is written as MLflow's Span.to_dict: base64 ids, numeric times, status names, attribute values as JSON text")
    func spanDictionary() throws {
        var span = OTLPTraceExportTests.span(attributes: [("fruit", OTLPTraceExportTests.string("apple")), ("n", {
            var value = OTLPAnyValue()
            value.intValue = 3
            return value
        }())])
        span.status.code = .ok
        var event = Opentelemetry_Proto_Trace_V1_Span.Event()
        event.name = "picked"
        event.timeUnixNano = 99999
        event.attributes = [{
            var pair = OTLPKeyValue()
            pair.key = "by"
            pair.value = OTLPTraceExportTests.string("me")
            return pair
        }()]
        span.events = [event]
        let json = MLflowTraceData.json([try stored(span)])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let first = try #require((object["spans"] as? [[String: Any]])?.first)
        #expect(first["trace_id"] as? String == Data(OTLPTraceExportTests.traceBytes).base64EncodedString())
        #expect(first["parent_span_id"] is NSNull)
        #expect(first["start_time_unix_nano"] as? Int64 == 1_700_000_000_000_000_000)
        #expect((first["status"] as? [String: String])?["code"] == "STATUS_CODE_OK")
        #expect(first["attributes"] as? [String: String] == ["fruit": "\"apple\"", "n": "3"])
        let events = try #require(first["events"] as? [[String: Any]])
        #expect(events.first?["attributes"] as? [String: String] == ["by": "me"])
        #expect(events.first?["time_unix_nano"] as? Int == 99999)
    }

    @Test("a span whose stored text is not a span is left out")
    func unreadable() {
        let span = TraceSpan(traceID: "tr-x", spanID: "s", parentSpanID: nil, name: "n", startTimeNanos: 1, endTimeNanos: nil, statusCode: 0,
                             spanType: nil, content: "not json")
        #expect(MLflowTraceData.json([span]) == "{\"spans\": []}")
    }
}
