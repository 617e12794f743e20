import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("MLflow wire format")
struct WireFormatTests {
    @Test("a run is MLflow's JSON: int64 as numbers, enum names, run_uuid equal to run_id, unset fields omitted")
    func runShape() async throws {
        try await withTestClient { client in
            let response = try await client.post(
                "/api/2.0/mlflow/runs/create",
                #"{"experiment_id":"0","user_id":"u","start_time":"1700000000000","run_name":"r1","tags":[{"key":"a","value":"b"}]}"#)
            #expect(response.status == .ok)
            let body = String(buffer: response.body)
            #expect(body.contains(#""start_time":1700000000000"#))
            #expect(!body.contains("end_time"))
            #expect(body.contains(#""status":"RUNNING""#))
            #expect(body.contains(#""inputs":{}"#))
            let run = try #require(try json(response)["run"] as? [String: Any])
            let info = try #require(run["info"] as? [String: Any])
            #expect(info["run_uuid"] as? String == info["run_id"] as? String)
            #expect(info["run_name"] as? String == "r1")
            #expect(info["lifecycle_stage"] as? String == "active")
            #expect((info["artifact_uri"] as? String)?.hasPrefix("mlflow-artifacts:/0/") == true)
            let tags = try #require((run["data"] as? [String: Any])?["tags"] as? [[String: String]])
            #expect(tags.contains(["key": "mlflow.runName", "value": "r1"]))
            #expect(tags.contains(["key": "a", "value": "b"]))
        }
    }

    @Test("NaN and infinities go in as strings and come back as strings")
    func specialFloats() async throws {
        try await withTestClient { client in
            let runID = try await client.createRun()
            for (key, value) in [("n", #""NaN""#), ("p", #""Infinity""#), ("m", #""-Infinity""#)] {
                let response = try await client.post(
                    "/api/2.0/mlflow/runs/log-metric", #"{"run_id":"\#(runID)","key":"\#(key)","value":\#(value),"timestamp":1}"#)
                #expect(response.status == .ok)
            }
            let body = String(buffer: try await client.get("/api/2.0/mlflow/runs/get?run_id=\(runID)").body)
            #expect(body.contains(#"{"key":"n","value":"NaN","timestamp":1,"step":0}"#))
            #expect(body.contains(#"{"key":"p","value":"Infinity","timestamp":1,"step":0}"#))
            #expect(body.contains(#"{"key":"m","value":"-Infinity","timestamp":1,"step":0}"#))
        }
    }

    @Test("every endpoint also answers under /ajax-api, and run_uuid works in place of run_id")
    func ajaxPrefixAndRunUUID() async throws {
        try await withTestClient { client in
            let runID = try await client.createRun()
            let response = try await client.get("/ajax-api/2.0/mlflow/runs/get?run_uuid=\(runID)")
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).contains(runID))
        }
    }

    @Test("GET reads repeated query keys, True/False booleans and camelCase aliases")
    func queryParameters() async throws {
        try await withTestClient { client in
            let first = try await client.createRun()
            let second = try await client.createRun()
            for run in [first, second] {
                _ = try await client.post(
                    "/api/2.0/mlflow/runs/log-batch",
                    #"{"run_id":"\#(run)","metrics":[{"key":"m","value":1,"timestamp":1,"step":0},{"key":"m","value":2,"timestamp":2,"step":1}]}"#)
            }
            let bulk = try await client.get(
                "/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=\(first)&run_ids=\(second)&metric_key=m&max_results=10")
            let metrics = try #require(try json(bulk)["metrics"] as? [[String: Any]])
            #expect(metrics.count == 4)
            #expect(Set(metrics.compactMap { $0["run_id"] as? String }) == [first, second])

            let camel = try await client.get("/api/2.0/mlflow/metrics/get-history?runId=\(first)&metricKey=m")
            #expect(try json(camel)["metrics"] as? [[String: Any]] != nil)

            let search = try await client.get("/api/2.0/mlflow/experiments/search?max_results=5&view_type=ALL")
            #expect(search.status == .ok)
            let badBool = try await client.get("/api/2.0/mlflow/experiments/search?max_results=5&view_type=NOPE")
            #expect(badBool.status == .badRequest)
        }
    }

    @Test("health, version and server-info answer")
    func serverRoutes() async throws {
        try await withTestClient { client in
            let health = try await client.get("/health")
            #expect(String(buffer: health.body) == "OK")
            let version = try await client.get("/version")
            #expect(String(buffer: version.body).split(separator: ".").count == 3)
            let info = try json(try await client.get("/api/3.0/mlflow/server-info"))
            #expect(info["artifact_serving_enabled"] as? Bool == true)
            #expect(info["multipart_uploads_enabled"] as? Bool == true)
        }
    }

    @Test("metric history pages with opaque tokens until the last page, which has no token")
    func historyPaging() async throws {
        try await withTestClient { client in
            let runID = try await client.createRun()
            let metrics = (0..<30).map { #"{"key":"loss","value":\#($0),"timestamp":\#(1000 + $0),"step":\#($0)}"# }
            _ = try await client.post(
                "/api/2.0/mlflow/runs/log-batch", #"{"run_id":"\#(runID)","metrics":[\#(metrics.joined(separator: ","))]}"#)
            var steps: [Int] = []
            var token: String? = nil
            var pages = 0
            repeat {
                var uri = "/api/2.0/mlflow/metrics/get-history?run_id=\(runID)&metric_key=loss&max_results=7"
                if let token { uri += "&page_token=\(token.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
                let page = try json(try await client.get(uri))
                steps += (page["metrics"] as? [[String: Any]] ?? []).compactMap { $0["step"] as? Int }
                token = page["next_page_token"] as? String
                pages += 1
            } while token != nil
            #expect(steps == Array(0..<30))
            #expect(pages == 5)
        }
    }
}
