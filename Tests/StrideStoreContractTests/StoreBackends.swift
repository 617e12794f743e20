import Foundation
import Testing
import Logging
import StridePostgres
import StrideStore
import StrideTesting

/// A store backend the contract suite runs against: every contract test takes each one.
///
/// A new backend adds one entry to ``all``, opening a fresh, empty store per test through the
/// server's ``StoreFactory`` (a store URI, as `--backend-store-uri` takes it). A backend that needs
/// a server is listed only when its environment variable names one.
struct StoreBackend: Sendable, CustomTestStringConvertible {
    var name: String
    /// Opens a fresh store, and what removes it after the test.
    var open: @Sendable () async throws -> (store: any BackendStore, remove: @Sendable () async -> Void)

    var testDescription: String { name }

    static let all: [StoreBackend] = [sqlite] + (ScratchPostgresDatabase.serverURL.map { [postgres(serverURL: $0)] } ?? [])

    static let sqlite = StoreBackend(name: "sqlite") {
        let folder = try TestFolder("contract")
        return (try await openTestStore(uri: "sqlite:///\(folder.path)/stride.db"), { folder.remove() })
    }

    /// PostgreSQL at `STRIDE_TEST_POSTGRES_URL`, a fresh database per store, dropped afterwards.
    static func postgres(serverURL: String) -> StoreBackend {
        StoreBackend(name: "postgresql") {
            let database = try await ScratchPostgresDatabase.create(serverURL: serverURL)
            let store = try await PostgresTrackingStore.open(settings: database.settings, logger: Logger(label: "test"))
            return (store, { try? await database.drop() })
        }
    }
}

/// Opens a fresh store with the Default experiment, runs `body`, and always closes the store.
func withStore(_ backend: StoreBackend, _ body: (any BackendStore) async throws -> Void) async throws {
    let (store, remove) = try await backend.open()
    do {
        try await store.ensureDefaultExperiment(project: "default", artifactLocation: "mlflow-artifacts:/0", at: 1)
        try await body(store)
    } catch {
        try? await store.close()
        await remove()
        throw error
    }
    try await store.close()
    await remove()
}
