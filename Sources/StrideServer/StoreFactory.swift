public import CoreMetrics
public import Logging
import StridePostgres
import StrideSQLite
public import StrideStore

/// The one place that turns a configured backend into a store: it holds the only switch over
/// ``ServerConfiguration/Backend``. A new backend adds its case here and nowhere else.
public enum StoreFactory {
    /// A configured backend before it is opened: what start-up checks on this machine, and how to open it.
    public struct Recipe: Sendable {
        /// The file the backend keeps its data in, as the configuration writes it (relative to the
        /// working directory); nil for a backend on a database server.
        public var file: String?
        /// For a backend on a database server: where, without the password (for the start-up line).
        public var server: String?
        /// Opens the store, bringing its schema up to date; `file` is ``file`` made absolute.
        var open: @Sendable (_ file: String?, _ logger: Logger, _ metrics: any MetricsFactory) async throws -> any BackendStore
    }

    /// The recipe for the configuration's backend; an unsupported store URI is refused in words.
    public static func recipe(for configuration: ServerConfiguration) throws(StartupFailure) -> Recipe {
        switch try configuration.backend() {
        case .sqlite(let path):
            let busyTimeout = configuration.databaseBusyTimeoutSeconds
            return Recipe(file: path, server: nil) { file, logger, metrics in
                let file = file ?? path
                do {
                    return try await SQLiteTrackingStore.open(path: file, busyTimeout: busyTimeout, logger: logger, metrics: metrics)
                } catch {
                    throw StartupFailure("The store \(file) could not be opened: \(error).")
                }
            }
        case .postgres(let settings):
            let unavailableAfter = configuration.databaseBusyTimeout
            return Recipe(file: nil, server: "postgresql://\(settings.username)@\(settings.address)") { _, logger, _ in
                do {
                    return try await PostgresTrackingStore.open(settings: settings, unavailableAfter: unavailableAfter, logger: logger)
                } catch let error as PostgresSettingsError {
                    throw StartupFailure(error.description)
                }
            }
        }
    }

    /// Opens the configuration's backend store; `file` is its checked absolute file, if it has one.
    /// `metrics` receives the store's database timings where the backend measures them (SQLite).
    public static func open(
        _ configuration: ServerConfiguration, file: String?, logger: Logger, metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) async throws -> any BackendStore {
        try await recipe(for: configuration).open(file, logger, metrics)
    }
}
