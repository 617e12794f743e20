import Foundation
import Testing
import Logging
import StridePostgres
import StrideSQLite
import StrideStore

/// A store backend the contract suite runs against. A new backend (PostgreSQL) adds itself here.
struct StoreBackend: Sendable, CustomTestStringConvertible {
    var name: String
    var open: @Sendable () async throws -> (store: any TrackingStore, close: @Sendable () async throws -> Void)

    var testDescription: String { name }

    static let all: [StoreBackend] = [sqlite] + (ScratchPostgresDatabase.serverURL.map { [postgres(serverURL: $0)] } ?? [])

    static let sqlite =
        StoreBackend(name: "sqlite") {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stride-contract-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let store = try await SQLiteTrackingStore.open(
                path: directory.appendingPathComponent("stride.db").path, logger: Logger(label: "test"))
            return (store, {
                try await store.close()
                try? FileManager.default.removeItem(at: directory)
            })
        }

    /// PostgreSQL at `STRIDE_TEST_POSTGRES_URL`, a fresh database per store, dropped afterwards.
    static func postgres(serverURL: String) -> StoreBackend {
        StoreBackend(name: "postgresql") {
            let database = try await ScratchPostgresDatabase.create(serverURL: serverURL)
            let store = try await PostgresTrackingStore.open(settings: database.settings, logger: Logger(label: "test"))
            return (store, {
                try await store.close()
                try await database.drop()
            })
        }
    }
}

/// Opens a fresh store with the Default experiment, runs `body`, and always closes the store.
func withStore(_ backend: StoreBackend, _ body: (any TrackingStore) async throws -> Void) async throws {
    let (store, close) = try await backend.open()
    do {
        try await store.ensureDefaultExperiment(project: "default", artifactLocation: "mlflow-artifacts:/0", at: 1)
        try await body(store)
    } catch {
        try await close()
        throw error
    }
    try await close()
}
