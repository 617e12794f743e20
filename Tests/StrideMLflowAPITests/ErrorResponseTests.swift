import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Errors use MLflow's shape and status and never a 5xx for bad input")
struct ErrorResponseTests {
    @Test("an unknown route is 404 ENDPOINT_NOT_FOUND with a JSON body")
    func unknownRoute() async throws {
        try await withTestClient { client in
            let response = try await client.get("/api/2.0/mlflow/no-such-thing")
            #expect(response.status == .notFound)
            #expect(try json(response)["error_code"] as? String == "ENDPOINT_NOT_FOUND")
        }
    }

    @Test("an unknown run is 404 RESOURCE_DOES_NOT_EXIST with MLflow's message")
    func unknownRun() async throws {
        try await withTestClient { client in
            let response = try await client.get("/api/2.0/mlflow/runs/get?run_id=abc")
            #expect(response.status == .notFound)
            let body = try json(response)
            #expect(body["error_code"] as? String == "RESOURCE_DOES_NOT_EXIST")
            #expect(body["message"] as? String == "Run with id=abc not found")
        }
    }

    @Test("an unknown experiment name is 404 RESOURCE_DOES_NOT_EXIST")
    func unknownExperimentName() async throws {
        try await withTestClient { client in
            let response = try await client.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=nope")
            #expect(response.status == .notFound)
            #expect(try json(response)["message"] as? String == "Could not find experiment with name 'nope'")
        }
    }

    @Test("a missing or empty required field is 400 with MLflow's message", arguments: [
        #"{}"#, #"{"name":""}"#,
    ])
    func missingField(body: String) async throws {
        try await withTestClient { client in
            let response = try await client.post("/api/2.0/mlflow/experiments/create", body)
            #expect(response.status == .badRequest)
            let error = try json(response)
            #expect(error["error_code"] as? String == "INVALID_PARAMETER_VALUE")
            #expect((error["message"] as? String)?.hasPrefix("Missing value for required parameter 'name'") == true)
        }
    }

    @Test("malformed JSON, wrong types and a wrong content type are 400", arguments: [
        ("/api/2.0/mlflow/experiments/create", #"{"name": "#, "application/json"),
        ("/api/2.0/mlflow/experiments/create", #"{"name": "x"}"#, "text/plain"),
        ("/api/2.0/mlflow/runs/log-metric", #"{"run_id":"r","key":"k","value":"abc","timestamp":1}"#, "application/json"),
        ("/api/2.0/mlflow/runs/log-metric", #"{"run_id":"r","key":"k","value":1,"timestamp":{"a":1}}"#, "application/json"),
        ("/api/2.0/mlflow/runs/log-batch", #"{"run_id":"r","metrics":"oops"}"#, "application/json"),
        ("/api/2.0/mlflow/runs/log-batch", #"[1,2]"#, "application/json"),
    ])
    func badInput(path: String, body: String, contentType: String) async throws {
        try await withTestClient { client in
            let response = try await client.execute(
                uri: path, method: .post, headers: [.contentType: contentType], body: ByteBuffer(string: body))
            #expect(response.status == .badRequest)
            #expect(try json(response)["error_code"] as? String == "INVALID_PARAMETER_VALUE")
        }
    }

    @Test("a batch over the limits is rejected whole: nothing it carried is written")
    func overLimitBatchWritesNothing() async throws {
        try await withTestClient { client in
            let runID = try await client.createRun()
            let metrics = (0..<1001).map { #"{"key":"m","value":1,"timestamp":\#($0),"step":0}"# }
            let response = try await client.post(
                "/api/2.0/mlflow/runs/log-batch",
                #"{"run_id":"\#(runID)","params":[{"key":"p","value":"1"}],"metrics":[\#(metrics.joined(separator: ","))]}"#)
            #expect(response.status == .badRequest)
            #expect((try json(response)["message"] as? String)?.contains("at most 1000 metrics") == true)
            let run = String(buffer: try await client.get("/api/2.0/mlflow/runs/get?run_id=\(runID)").body)
            #expect(!run.contains(#""params""#))
            #expect(!run.contains(#""metrics""#))
        }
    }

    @Test("a param changed inside a batch rolls back the whole batch")
    func conflictingBatchRollsBack() async throws {
        try await withTestClient { client in
            let runID = try await client.createRun()
            _ = try await client.post("/api/2.0/mlflow/runs/log-parameter", #"{"run_id":"\#(runID)","key":"p","value":"1"}"#)
            let response = try await client.post(
                "/api/2.0/mlflow/runs/log-batch",
                #"{"run_id":"\#(runID)","params":[{"key":"p","value":"2"}],"metrics":[{"key":"m","value":1,"timestamp":1}],"tags":[{"key":"t","value":"v"}]}"#)
            #expect(response.status == .badRequest)
            #expect((try json(response)["message"] as? String)?.hasPrefix("Changing param values is not allowed.") == true)
            let run = String(buffer: try await client.get("/api/2.0/mlflow/runs/get?run_id=\(runID)").body)
            #expect(!run.contains(#""key":"t""#))
            #expect(!run.contains(#""metrics""#))
        }
    }

    @Test("a duplicate experiment name is 400 RESOURCE_ALREADY_EXISTS")
    func duplicateExperiment() async throws {
        try await withTestClient { client in
            _ = try await client.post("/api/2.0/mlflow/experiments/create", #"{"name":"dup"}"#)
            let response = try await client.post("/api/2.0/mlflow/experiments/create", #"{"name":"dup"}"#)
            #expect(response.status == .badRequest)
            #expect(try json(response)["error_code"] as? String == "RESOURCE_ALREADY_EXISTS")
        }
    }

    @Test("search without max_results is refused as in MLflow")
    func searchNeedsMaxResults() async throws {
        try await withTestClient { client in
            let response = try await client.post("/api/2.0/mlflow/experiments/search", "{}")
            #expect(response.status == .badRequest)
            #expect((try json(response)["message"] as? String)?.contains("max_results") == true)
        }
    }

    @Test("a known path with the wrong method is 405, an unknown path 404")
    func wrongMethod() async throws {
        try await withTestClient { client in
            let response = try await client.execute(uri: "/api/2.0/mlflow/runs/get?run_id=x", method: .put)
            #expect(response.status == .methodNotAllowed)
            #expect(try json(response)["error_code"] as? String == "ENDPOINT_NOT_FOUND")
        }
    }

    @Test("a POST without Content-Type gets MLflow's missing-header message")
    func missingContentType() async throws {
        try await withTestClient { client in
            let response = try await client.execute(
                uri: "/api/2.0/mlflow/experiments/create", method: .post, body: ByteBuffer(string: #"{"name":"x"}"#))
            #expect(response.status == .badRequest)
            #expect(try json(response)["message"] as? String == "Bad Request. Content-Type header is missing.")
        }
    }

    @Test(
        "a POST is read when its Content-Type up to the first ';' is exactly application/json, as MLflow compares it",
        arguments: [
            ("application/json", true), ("application/json; charset=utf-8", true), ("application/json;", true),
            ("Application/JSON", false), ("application/json ; charset=utf-8", false), ("application/jso", false),
            ("application/jsonp", false), ("text/plain", false), ("", false),
        ])
    func contentTypes(contentType: String, accepted: Bool) async throws {
        try await withTestClient { client in
            let response = try await client.execute(
                uri: "/api/2.0/mlflow/experiments/create", method: .post, headers: [.contentType: contentType],
                body: ByteBuffer(string: #"{"name":"ct-\#(contentType.hashValue)"}"#))
            if accepted {
                #expect(response.status == .ok)
            } else {
                #expect(response.status == .badRequest)
                #expect(try json(response)["message"] as? String == "Bad Request. Content-Type must be one of ['application/json'].")
            }
        }
    }

    @Test("deleting a deleted experiment or restoring an active one is 404, as MLflow looks only in that view")
    func lifecycleViews() async throws {
        try await withTestClient { client in
            let created = try json(try await client.post("/api/2.0/mlflow/experiments/create", #"{"name":"twice"}"#))
            let id = try #require(created["experiment_id"] as? String)
            #expect(try await client.post("/api/2.0/mlflow/experiments/restore", #"{"experiment_id":"\#(id)"}"#).status == .notFound)
            #expect(try await client.post("/api/2.0/mlflow/experiments/delete", #"{"experiment_id":"\#(id)"}"#).status == .ok)
            let again = try await client.post("/api/2.0/mlflow/experiments/delete", #"{"experiment_id":"\#(id)"}"#)
            #expect(again.status == .notFound)
            #expect(try json(again)["message"] as? String == "No Experiment with id=\(id) exists")
        }
    }

    @Test("renaming a deleted experiment is INVALID_STATE with a 4xx status, so the client does not retry")
    func renameDeleted() async throws {
        try await withTestClient { client in
            let created = try json(try await client.post("/api/2.0/mlflow/experiments/create", #"{"name":"old"}"#))
            let id = try #require(created["experiment_id"] as? String)
            _ = try await client.post("/api/2.0/mlflow/experiments/delete", #"{"experiment_id":"\#(id)"}"#)
            let response = try await client.post("/api/2.0/mlflow/experiments/update", #"{"experiment_id":"\#(id)","new_name":"new"}"#)
            #expect(response.status == .badRequest)
            #expect(try json(response)["error_code"] as? String == "INVALID_STATE")
        }
    }

    @Test("metric history of an unknown run is empty, as in MLflow")
    func historyOfUnknownRun() async throws {
        try await withTestClient { client in
            let response = try await client.get("/api/2.0/mlflow/metrics/get-history?run_id=nope&metric_key=m")
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "{}")
        }
    }
}
