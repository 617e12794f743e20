import StrideDomain
import Testing

@testable import StrideWebUI

@Suite("Reading span content")
struct SpanContentTests {
    @Test("a stored span's protobuf-JSON gives attributes of every value kind, its status message and events")
    func storedSpan() {
        let content = #"""
            {"traceId":"AAAAAAAAAAAAAAAAAAAAAQ==","spanId":"AAAAAAAAAAI=","name":"tool-call","startTimeUnixNano":"1000","endTimeUnixNano":"5000",
             "attributes":[{"key":"mlflow.spanInputs","value":{"kvlistValue":{"values":[{"key":"city","value":{"stringValue":"Oslo"}}]}}},
                           {"key":"units","value":{"string_value":"metric"}},
                           {"key":"retries","value":{"intValue":"2"}},{"key":"ratio","value":{"double_value":0.5}},
                           {"key":"ok","value":{"boolValue":true}},{"key":"list","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"1"}]}}}],
             "status":{"code":"STATUS_CODE_ERROR","message":"the tide is out"},
             "events":[{"name":"exception","timeUnixNano":"3000","attributes":[{"key":"exception.type","value":{"stringValue":"ValueError"}}]}]}
            """#
        let record = SpanJSON.record(TraceSpan(
            traceID: "tr-1", spanID: "0000000000000002", parentSpanID: "", name: "tool-call", startTimeNanos: 1000, endTimeNanos: 5000,
            statusCode: 2, spanType: "TOOL", content: content))
        #expect(record.parentID == nil)
        #expect(record.spanType == "TOOL")
        #expect(record.statusMessage == "the tide is out")
        #expect(record.inputs == #"{"city":"Oslo"}"#)
        #expect(record.attribute("units") == #""metric""#, "a string attribute reads as traces.json writes it: JSON text")
        #expect(record.attribute("retries") == "2")
        #expect(record.attribute("ratio") == "0.5")
        #expect(record.attribute("ok") == "true")
        #expect(record.attribute("list") == #"["a",1]"#)
        #expect(record.events == [SpanEventRecord(name: "exception", timeNanos: 3000, attributes: [KeyValue(key: "exception.type", value: "ValueError")])])
    }

    @Test("MLflow's traces.json gives the spans with ids in hex, parents, JSON-text attributes and status names")
    func artifactSpans() throws {
        let json = #"""
            {"spans": [
              {"trace_id": "AAAAAAAAAAAAAAAAAAAAAQ==", "span_id": "AAAAAAAAAAE=", "parent_span_id": null, "name": "answer",
               "start_time_unix_nano": 1700000000000000000, "end_time_unix_nano": 1700000000500000000, "events": [],
               "status": {"code": "STATUS_CODE_OK", "message": ""},
               "attributes": {"mlflow.spanType": "\"CHAIN\"", "mlflow.spanInputs": "{\"text\": \"tides\"}", "mlflow.chat.tokenUsage": "{\"input_tokens\": 3, \"output_tokens\": 4, \"total_tokens\": 7}"}},
              {"trace_id": "AAAAAAAAAAAAAAAAAAAAAQ==", "span_id": "AAAAAAAAAAI=", "parent_span_id": "AAAAAAAAAAE=", "name": "retrieve",
               "start_time_unix_nano": 1700000000100000000, "end_time_unix_nano": null, "status": {"code": "STATUS_CODE_UNSET"}, "attributes": {}}
            ]}
            """#
        let spans = try #require(SpanJSON.records(artifact: Array(json.utf8)))
        #expect(spans.map(\.id) == ["0000000000000001", "0000000000000002"])
        #expect(spans[1].parentID == "0000000000000001")
        #expect(spans[0].spanType == "CHAIN")
        #expect(spans[0].statusCode == 1)
        #expect(spans[0].startNanos == 1_700_000_000_000_000_000)
        #expect(spans[0].tokenUsage?.displayText == "3 in · 4 out · 7 total")
        #expect(spans[1].endNanos == nil)
        #expect(spans[1].statusCode == 0)
    }

    @Test("content that is not a span reads as an empty one instead of failing")
    func hostileContent() {
        for content in ["", "not json", "[1,2]", #"{"attributes": 5, "events": {"a": 1}, "status": "x"}"#, String(repeating: "[", count: 100_000)] {
            let record = SpanJSON.record(TraceSpan(
                traceID: "t", spanID: "s", parentSpanID: nil, name: "n", startTimeNanos: 0, endTimeNanos: nil, statusCode: 7, spanType: nil,
                content: content))
            #expect(record.attributes.isEmpty)
            #expect(record.events.isEmpty)
            #expect(record.statusName == "UNSET")
        }
        #expect(SpanJSON.records(artifact: Array("{\"spans\": 3}".utf8)) == nil)
        #expect(SpanJSON.int64(.string("9".repeated(40))) == nil)
        #expect(SpanJSON.int64(.double(1e300)) == nil)
    }

    @Test("token usage shows only the counts present, summed without overflow")
    func tokenUsage() {
        #expect(TokenUsage(presentIn: #"{"input_tokens": 12, "output_tokens": 30, "total_tokens": 42}"#)?.displayText == "12 in · 30 out · 42 total")
        #expect(TokenUsage(presentIn: #"{"output_tokens": "30", "model": "m", "details": {"a": 1}}"#)?.displayText == "30 out")
        #expect(TokenUsage(presentIn: #"{"cache_read_input_tokens": 5}"#)?.displayText == nil)
        #expect(TokenUsage(presentIn: "{}") == nil)
        #expect(TokenUsage(presentIn: "nope") == nil)
        let sum = TokenUsage.sum([
            TokenUsage(presentIn: #"{"input_tokens": 1, "total_tokens": 9223372036854775807}"#),
            TokenUsage(presentIn: #"{"input_tokens": 2, "output_tokens": 5, "total_tokens": 1}"#),
        ].compactMap { $0 })
        #expect(sum?.displayText == "3 in · 5 out · 9223372036854775807 total")
        #expect(TokenUsage.sum([]) == nil)
    }
}

@Suite("Span values as the page shows them")
struct SpanValueTextTests {
    @Test("JSON objects and arrays are re-indented in their own key order, strings kept intact")
    func prettyPrints() {
        let shown = SpanValueText(#"{"b": [1, 2], "a": {"s": "x, {y}: [z]"}, "e": {}, "f": []}"#)
        #expect(shown.text == """
            {
              "b": [
                1,
                2
              ],
              "a": {
                "s": "x, {y}: [z]"
              },
              "e": {},
              "f": []
            }
            """)
        #expect(!shown.truncated)
    }

    @Test("text that is not JSON is shown as written")
    func plainText() {
        #expect(SpanValueText("hello, world: [").text == "hello, world: [")
        #expect(SpanValueText(#""quoted\" {""#).text == #""quoted\" {""#)
    }

    @Test("long values are cut to the budget and say so; unbalanced brackets do not trap")
    func caps() {
        let long = SpanValueText(String(repeating: "x", count: 100), maxBytes: 10)
        #expect(long.text == "xxxxxxxxxx")
        #expect(long.truncated)
        #expect(long.totalBytes == 100)
        let nested = SpanValueText(String(repeating: "[", count: 5_000) + String(repeating: "]", count: 10), maxBytes: 1_000)
        #expect(nested.truncated)
        #expect(nested.text.utf8.count <= 1_000)
        #expect(SpanValueText("{]]]").text == "{]\n]\n]")
        // A cut inside a multi-byte character leaves a replacement mark, never invalid text.
        #expect(SpanValueText("ééé", maxBytes: 3).text == "é\u{FFFD}")
    }
}

@Suite("Span details")
struct SpanDetailsHTMLTests {
    @Test("each drawn span gets its inputs, outputs, attributes and events, escaped")
    func rendering() {
        let spans = [
            SpanRecord(
                id: "0000000000000001", parentID: nil, name: "<b>answer</b>", startNanos: 0, endNanos: 2_000_000, statusCode: 2,
                statusMessage: "boom <i>", spanType: "CHAIN",
                attributes: [
                    KeyValue(key: SpanRecord.inputsKey, value: #"{"q": "<img src=x onerror=alert(1)>"}"#),
                    KeyValue(key: SpanRecord.outputsKey, value: #""fine""#), KeyValue(key: "k<", value: "v&"),
                ],
                events: [SpanEventRecord(name: "exception", timeNanos: 1_000_000, attributes: [KeyValue(key: "exception.message", value: "bad")])]),
        ]
        let html = SpanDetailsHTML.render(TraceWaterfall.layout(spans), spans)
        #expect(html.hasPrefix("<details class=\"span\" id=\"span-0\" open><summary><span class=\"status span-error\">ERROR</span> <strong>&lt;b&gt;answer&lt;/b&gt;</strong>"))
        #expect(html.contains("CHAIN · 2.0ms · at +0.000ms"))
        #expect(html.contains("<p class=\"error\">boom &lt;i&gt;</p>"))
        #expect(html.contains("<h3>Inputs</h3><pre class=\"value\">{\n  &quot;q&quot;: &quot;&lt;img src=x onerror=alert(1)&gt;&quot;\n}</pre>"))
        #expect(html.contains("<h3>Outputs</h3><pre class=\"value\">&quot;fine&quot;</pre>"))
        #expect(html.contains("<tr><th class=\"mono\">k&lt;</th><td><pre class=\"value\">v&amp;</pre></td></tr>"))
        #expect(html.contains("<li><strong>exception</strong> <span class=\"muted\">at +1.0ms</span>"))
        #expect(!html.contains("<img"))
    }

    @Test("a value over the budget is cut with a note")
    func capNote() {
        let huge = String(repeating: "y", count: Limits.maxSpanValueDisplayBytes * 3)
        let spans = [SpanRecord(id: "a", parentID: nil, name: "a", startNanos: 0, endNanos: 1, statusCode: 1, attributes: [KeyValue(key: "big", value: huge)])]
        let html = SpanDetailsHTML.render(TraceWaterfall.layout(spans), spans)
        #expect(html.contains("<p class=\"muted\">Cut to the first 16 KB of 48.0 KB.</p>"))
        #expect(html.utf8.count < Limits.maxSpanValueDisplayBytes + 1_000)
    }
}

extension String {
    fileprivate func repeated(_ count: Int) -> String { String(repeating: self, count: count) }
}
