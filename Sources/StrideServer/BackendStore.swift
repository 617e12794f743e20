import Logging
import StridePostgres
import StrideSQLite
import StrideService
import StrideStore

/// Every store protocol the services need, as one backend provides them all over one database.
typealias AllStores = TrackingStore & RegistryStore & LoggedModelStore & BrowseStore & AccessTokenStore & ProjectStore

/// The opened backend store and how to release it.
struct BackendStore: Sendable {
    var store: any AllStores
    var close: @Sendable () async throws -> Void

    /// Opens the backend the configuration's URI names: the SQLite file `locations` checked, or PostgreSQL.
    static func open(_ configuration: ServerConfiguration, locations: StorageLocations, logger: Logger) async throws -> BackendStore {
        switch try configuration.backend() {
        case .sqlite:
            let store = try await StrideApplication.openStore(
                at: locations.storeFile, busyTimeout: configuration.databaseBusyTimeoutSeconds, logger: logger)
            return BackendStore(store: store, close: { try await store.close() })
        case .postgres(let settings):
            let store: PostgresTrackingStore
            do {
                store = try await PostgresTrackingStore.open(
                    settings: settings, unavailableAfter: configuration.databaseBusyTimeout, logger: logger)
            } catch let error as PostgresSettingsError {
                throw StartupFailure(error.description)
            }
            return BackendStore(store: store, close: { try await store.close() })
        }
    }
}
