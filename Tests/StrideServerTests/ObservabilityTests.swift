import Foundation
import HTTPTypes
import Logging
import Testing
@testable import StrideServer

@Suite("Observability: metrics exposition and JSON log lines")
struct ObservabilityTests {
    @Test("a request is counted under its route pattern, method and status, with its latency and body size")
    func requestCounts() {
        let metrics = ServerMetrics()
        metrics.recordRequest(route: "/api/2.0/mlflow/runs/get", method: .get, status: 200, duration: .milliseconds(2), requestBytes: nil)
        metrics.recordRequest(route: "/api/2.0/mlflow/runs/get", method: .get, status: 200, duration: .microseconds(300), requestBytes: nil)
        metrics.recordRequest(route: "unmatched", method: HTTPRequest.Method("BREW")!, status: 404, duration: .milliseconds(1), requestBytes: 42)
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"stride_http_requests_total{route="/api/2.0/mlflow/runs/get",method="GET",status="200"} 2"#))
        #expect(text.contains(#"stride_http_requests_total{route="unmatched",method="OTHER",status="404"} 1"#))
        #expect(text.contains(#"stride_http_request_duration_seconds_bucket{route="/api/2.0/mlflow/runs/get",method="GET",le="0.0005"} 1"#))
        #expect(text.contains(#"stride_http_request_duration_seconds_count{route="/api/2.0/mlflow/runs/get",method="GET"} 2"#))
        #expect(text.contains(#"stride_http_request_bytes_total{route="unmatched",method="OTHER"} 42"#))
        #expect(text.contains("stride_process_resident_memory_bytes"))
    }

    @Test("a JSON log line carries the request id, level, message and metadata as one object")
    func jsonLine() throws {
        let event = LogEvent(level: .warning, message: "Database busy", metadata: ["hb.request.id": "abc123", "path": "/x"], source: "s", file: "f", function: "g", line: 1)
        let line = JSONLogLine.line(event, label: "stride", metadata: [:], at: Date(timeIntervalSince1970: 0))
        #expect(line.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object == [
            "request_id": "abc123", "path": "/x", "level": "warning", "message": "Database busy", "label": "stride",
            "time": "1970-01-01T00:00:00.000Z",
        ])
    }

    @Test("a text log line is swift-log's: time, level, label, the metadata sorted by key, source, message")
    func textLine() {
        let event = LogEvent(level: .warning, message: "Database busy", metadata: ["path": "/x"], source: "s", file: "f", function: "g", line: 1)
        let line = TextLogLine.line(
            event, label: "stride", metadata: ["hb.request.id": "abc123", "path": "/y"], timestamp: "2026-12-04T20:15:00+0000")
        #expect(line == "2026-12-04T20:15:00+0000 warning stride: hb.request.id=abc123 path=/x [s] Database busy\n")
    }

    @Test("a logger keeps the metadata it is given; text lines carry local time with its offset")
    func textMetadataIsKept() {
        var handler = TextLogHandler(label: "stride")
        handler[metadataKey: "hb.request.id"] = "abc123"
        #expect(handler[metadataKey: "hb.request.id"] == "abc123")
        #expect(TextLogLine.localTimestamp().count >= 24)
    }
}
