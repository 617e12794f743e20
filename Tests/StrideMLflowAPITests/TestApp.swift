import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import StrideLocalArtifacts
import StrideSQLite
import StrideServer
import StrideService

/// Runs `body` against the real router and a fresh SQLite store, without a socket.
func withTestClient(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    try await withTestServices { services in
        let app = Application(router: StrideApplication.buildRouter(
            tracking: services.tracking, registry: services.registry, loggedModels: services.loggedModels, artifacts: services.artifacts))
        try await app.test(.router, body)
    }
}

/// The services over a fresh SQLite store and artifact directory, removed afterwards.
struct TestServices: Sendable {
    var store: SQLiteTrackingStore
    var tracking: TrackingService
    var loggedModels: LoggedModelService
    var registry: RegistryService
    var artifacts: ArtifactService
}

func withTestServices(_ body: @Sendable (TestServices) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stride-http-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try await SQLiteTrackingStore.open(
        path: directory.appendingPathComponent("stride.db").path, logger: Logger(label: "test"))
    let tracking = TrackingService(store: store, artifacts: ArtifactLocations(defaultRoot: "mlflow-artifacts:"))
    do {
        try await tracking.bootstrap()
        let artifactStore = try await LocalArtifactStore.open(directory: directory.appendingPathComponent("artifacts").path)
        let loggedModels = LoggedModelService(store: store, tracking: tracking)
        let registry = RegistryService(store: store, tracking: tracking, loggedModels: loggedModels)
        let artifacts = ArtifactService(
            store: artifactStore, tracking: tracking, resolver: ArtifactURIResolver(localRoots: [artifactStore.directory]),
            modelVersions: registry)
        try await body(TestServices(store: store, tracking: tracking, loggedModels: loggedModels, registry: registry, artifacts: artifacts))
    } catch {
        try await store.close()
        throw error
    }
    try await store.close()
    try? FileManager.default.removeItem(at: directory)
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
