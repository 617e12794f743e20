import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Metric history without max_results")
struct WholeHistoryTests {
    @Test("a history longer than one read chunk comes back whole, in step order, without a token")
    func streamsEveryPoint() async throws {
        try await withTestClient { client in
            let runID = try await client.createRun()
            let total = 23_456
            for start in stride(from: 0, to: total, by: 1000) {
                let metrics = (start..<min(start + 1000, total)).map { #"{"key":"loss","value":\#($0),"timestamp":1,"step":\#($0)}"# }
                _ = try await client.post(
                    "/api/2.0/mlflow/runs/log-batch", #"{"run_id":"\#(runID)","metrics":[\#(metrics.joined(separator: ","))]}"#)
            }
            let response = try await client.get("/api/2.0/mlflow/metrics/get-history?run_id=\(runID)&metric_key=loss")
            #expect(response.status == .ok)
            let body = try json(response)
            let steps = (body["metrics"] as? [[String: Any]] ?? []).compactMap { $0["step"] as? Int }
            #expect(steps == Array(0..<total))
            #expect(body["next_page_token"] == nil)
        }
    }

    @Test("a short history is one ordinary answer")
    func shortHistory() async throws {
        try await withTestClient { client in
            let runID = try await client.createRun()
            _ = try await client.post(
                "/api/2.0/mlflow/runs/log-metric", #"{"run_id":"\#(runID)","key":"m","value":1.5,"timestamp":1,"step":3}"#)
            let body = try json(try await client.get("/api/2.0/mlflow/metrics/get-history?run_id=\(runID)&metric_key=m"))
            #expect((body["metrics"] as? [[String: Any]])?.first?["value"] as? Double == 1.5)
        }
    }
}
