import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import StrideServer
import StrideService
import StrideTesting

/// Runs `body` against the server's application over a fresh store, without a socket.
func withTestClient(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    try await withTestApplication { app in try await app.application.test(.router, body) }
}

/// A parsed JSON response body.
func json(_ response: TestResponse) throws -> [String: Any] {
    let data = Data(response.body.readableBytesView)
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw JSONShapeError(body: String(buffer: response.body))
    }
    return object
}

struct JSONShapeError: Error {
    var body: String
}

extension TestClientProtocol {
    /// POSTs a JSON body the way the mlflow client does.
    func post(_ path: String, _ body: String) async throws -> TestResponse {
        try await execute(uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
    }

    func get(_ path: String) async throws -> TestResponse {
        try await execute(uri: path, method: .get)
    }

    /// Creates a run in the Default experiment and returns its id.
    func createRun() async throws -> String {
        let response = try await post("/api/2.0/mlflow/runs/create", #"{"experiment_id":"0","user_id":"u","start_time":1700000000000}"#)
        let run = try json(response)["run"] as? [String: Any]
        let info = run?["info"] as? [String: Any]
        return info?["run_id"] as? String ?? ""
    }
}
