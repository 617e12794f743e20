import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("HTTP: logged models wire format and errors")
struct LoggedModelEndpointTests {
    static let api = "/api/2.0/mlflow"

    private func send(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, _ body: String = "") async throws -> TestResponse {
        try await client.execute(
            uri: "\(Self.api)\(path)", method: method, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
    }

    private func create(_ client: any TestClientProtocol, _ body: String) async throws -> [String: Any] {
        let response = try await client.post("\(Self.api)/logged-models", body)
        #expect(response.status == .ok)
        let model = try #require(try json(response)["model"] as? [String: Any])
        return try #require(model["info"] as? [String: Any])
    }

    @Test("create answers a pending model with an m- id under the experiment's models/ folder")
    func createShape() async throws {
        try await withTestClient { client in
            let run = try await client.createRun()
            let info = try await create(
                client, #"{"experiment_id":"0","name":"clf","model_type":"sklearn","source_run_id":"\#(run)","tags":[{"key":"k","value":"v"}],"params":[{"key":"C","value":"1.0"}]}"#)
            let id = try #require(info["model_id"] as? String)
            #expect(id.hasPrefix("m-") && id.count == 34)
            #expect(info["artifact_uri"] as? String == "mlflow-artifacts:/0/models/\(id)/artifacts")
            #expect(info["status"] as? String == "LOGGED_MODEL_PENDING")
            #expect(info["source_run_id"] as? String == run)
            #expect(info["experiment_id"] as? String == "0")
            #expect(info["creation_timestamp_ms"] is Int)
            let got = try json(try await client.get("\(Self.api)/logged-models/\(id)"))
            let data = try #require((got["model"] as? [String: Any])?["data"] as? [String: Any])
            #expect((data["params"] as? [[String: Any]])?.first?["value"] as? String == "1.0")
        }
    }

    @Test("finalize, tags, params and delete go through the id in the path")
    func lifecycle() async throws {
        try await withTestClient { client in
            let id = try #require(try await create(client, #"{"experiment_id":"0","name":"first"}"#)["model_id"] as? String)
            let finalized = try json(try await send(client, .patch, "/logged-models/\(id)", #"{"model_id":"\#(id)","status":"LOGGED_MODEL_READY"}"#))
            #expect(((finalized["model"] as? [String: Any])?["info"] as? [String: Any])?["status"] as? String == "LOGGED_MODEL_READY")
            #expect(try await send(client, .patch, "/logged-models/\(id)/tags", #"{"tags":[{"key":"a","value":"1"}]}"#).status == .ok)
            #expect(try await send(client, .post, "/logged-models/\(id)/params", #"{"params":[{"key":"p","value":"2"}]}"#).status == .ok)
            let info = try #require(try await create(client, #"{"experiment_id":"0","name":"other"}"#)["model_id"] as? String)
            let search = try json(try await client.post("\(Self.api)/logged-models/search", #"{"experiment_ids":["0"],"filter":"tags.a = '1' AND params.p = '2'"}"#))
            #expect((search["models"] as? [[String: Any]])?.count == 1)
            let ordered = try json(try await client.post(
                "\(Self.api)/logged-models/search", #"{"experiment_ids":["0"],"order_by":[{"field_name":"name","ascending":false}],"max_results":1}"#))
            let first = ((ordered["models"] as? [[String: Any]])?.first?["info"] as? [String: Any])?["model_id"] as? String
            #expect(first == info)
            #expect(ordered["next_page_token"] is String)
            #expect(try await send(client, .delete, "/logged-models/\(id)/tags/a").status == .ok)
            #expect(try await send(client, .delete, "/logged-models/\(id)/tags/a").status == .notFound)
            #expect(try await send(client, .delete, "/logged-models/\(id)").status == .ok)
            let gone = try await client.get("\(Self.api)/logged-models/\(id)")
            #expect(gone.status == .notFound)
            #expect(try json(gone)["error_code"] as? String == "RESOURCE_DOES_NOT_EXIST")
            #expect(try await client.get("\(Self.api)/logged-models/\(id)?allow_deleted=true").status == .ok)
        }
    }

    @Test("client errors are 4xx with MLflow's codes")
    func errors() async throws {
        try await withTestClient { client in
            let noExperiment = try await client.post("\(Self.api)/logged-models", #"{"experiment_id":"77"}"#)
            #expect(noExperiment.status == .notFound)
            let badFilter = try await client.post("\(Self.api)/logged-models/search", #"{"experiment_ids":["0"],"filter":"bogus = 'x'"}"#)
            #expect(badFilter.status == .badRequest)
            #expect(try json(badFilter)["error_code"] as? String == "INVALID_PARAMETER_VALUE")
            let badStatus = try await send(client, .patch, "/logged-models/m-1", #"{"status":"NOPE"}"#)
            #expect(badStatus.status == .badRequest)
        }
    }

    @Test("a model version from models:/<model id> stores the logged model's artifact location")
    func registerFromLoggedModel() async throws {
        try await withTestClient { client in
            let id = try #require(try await create(client, #"{"experiment_id":"0"}"#)["model_id"] as? String)
            _ = try await client.post("\(Self.api)/registered-models/create", #"{"name":"reg"}"#)
            let created = try await client.post("\(Self.api)/model-versions/create", #"{"name":"reg","source":"models:/\#(id)","model_id":"\#(id)"}"#)
            #expect(created.status == .ok)
            let uri = try json(try await client.get("\(Self.api)/model-versions/get-download-uri?name=reg&version=1"))
            #expect(uri["artifact_uri"] as? String == "mlflow-artifacts:/0/models/\(id)/artifacts")
        }
    }
}
