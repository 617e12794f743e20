import Logging
import StrideStore

/// The store a command works on, opened as `stride server` opens it: folders it needs created, a new
/// store announced, and everything this opening created removed again when opening fails.
enum StoreSession {
    static func with<Result: Sendable>(
        _ configuration: ServerConfiguration, locations: StorageLocations, logger: Logger, announce: @Sendable (String) -> Void,
        _ body: (any BackendStore) async throws -> Result
    ) async throws -> Result {
        let created = try CreatedStorage.create(locations)
        let store: any BackendStore
        do {
            store = try await StoreFactory.open(configuration, file: locations.storeFile, logger: logger)
        } catch {
            created.remove()
            throw error
        }
        if !locations.storeExists { announce("Created a new store at \(locations.storeFile).") }
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}
