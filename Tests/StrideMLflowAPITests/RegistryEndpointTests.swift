import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("HTTP: model registry wire format and errors")
struct RegistryEndpointTests {
    static let api = "/api/2.0/mlflow"

    @Test("a model version is written as MLflow writes it: string version, READY, aliases")
    func versionShape() async throws {
        try await withTestClient { client in
            _ = try await client.post("\(Self.api)/registered-models/create", #"{"name":"m","tags":[{"key":"k","value":"v"}]}"#)
            let created = try json(try await client.post("\(Self.api)/model-versions/create", #"{"name":"m","source":"s3://b/model"}"#))
            let version = try #require(created["model_version"] as? [String: Any])
            #expect(version["version"] as? String == "1")
            #expect(version["status"] as? String == "READY")
            #expect(version["current_stage"] as? String == "None")
            #expect(version["creation_timestamp"] is Int)
            _ = try await client.post("\(Self.api)/registered-models/alias", #"{"name":"m","alias":"champion","version":"1"}"#)
            let byAlias = try json(try await client.get("\(Self.api)/registered-models/alias?name=m&alias=champion"))
            #expect((byAlias["model_version"] as? [String: Any])?["aliases"] as? [String] == ["champion"])
            let model = try #require(try json(try await client.get("\(Self.api)/registered-models/get?name=m"))["registered_model"] as? [String: Any])
            #expect((model["aliases"] as? [[String: Any]])?.first?["version"] as? String == "1")
            #expect((model["latest_versions"] as? [[String: Any]])?.count == 1)
            #expect((model["tags"] as? [[String: Any]])?.first?["key"] as? String == "k")
        }
    }

    @Test("registry errors carry MLflow's codes and statuses")
    func errors() async throws {
        try await withTestClient { client in
            _ = try await client.post("\(Self.api)/registered-models/create", #"{"name":"m"}"#)
            let duplicate = try await client.post("\(Self.api)/registered-models/create", #"{"name":"m"}"#)
            #expect(duplicate.status == .badRequest)
            #expect(try json(duplicate)["error_code"] as? String == "RESOURCE_ALREADY_EXISTS")
            let unknownModel = try await client.get("\(Self.api)/registered-models/get?name=nope")
            #expect(unknownModel.status == .notFound)
            let unknownVersion = try await client.get("\(Self.api)/model-versions/get?name=m&version=4")
            #expect(unknownVersion.status == .notFound)
            #expect(try json(unknownVersion)["message"] as? String == "Model Version (name=m, version=4) not found")
            let notANumber = try await client.get("\(Self.api)/model-versions/get?name=m&version=abc")
            #expect(notANumber.status == .badRequest)
            #expect(try json(notANumber)["message"] as? String == "Parameter 'version' must be an integer, got 'abc'.")
            // MLflow answers an unknown alias with 400, not 404.
            let unknownAlias = try await client.get("\(Self.api)/registered-models/alias?name=m&alias=nobody")
            #expect(unknownAlias.status == .badRequest)
            #expect(try json(unknownAlias)["error_code"] as? String == "INVALID_PARAMETER_VALUE")
            let badStage = try await client.post(
                "\(Self.api)/model-versions/transition-stage", #"{"name":"m","version":"1","stage":"Gone","archive_existing_versions":false}"#)
            #expect(badStage.status == .badRequest)
            let badFilter = try await client.get("\(Self.api)/registered-models/search?filter=owner%3D%27x%27")
            #expect(badFilter.status == .badRequest)
        }
    }

    @Test("DELETE and PATCH read their JSON bodies")
    func bodyMethods() async throws {
        try await withTestClient { client in
            _ = try await client.post("\(Self.api)/registered-models/create", #"{"name":"m"}"#)
            let headers: HTTPFields = [.contentType: "application/json"]
            let patched = try await client.execute(
                uri: "\(Self.api)/registered-models/update", method: .patch, headers: headers, body: ByteBuffer(string: #"{"name":"m","description":"d"}"#))
            #expect((try json(patched)["registered_model"] as? [String: Any])?["description"] as? String == "d")
            let deleted = try await client.execute(
                uri: "\(Self.api)/registered-models/delete", method: .delete, headers: headers, body: ByteBuffer(string: #"{"name":"m"}"#))
            #expect(deleted.status == .ok)
            #expect(try await client.get("\(Self.api)/registered-models/get?name=m").status == .notFound)
        }
    }
}
