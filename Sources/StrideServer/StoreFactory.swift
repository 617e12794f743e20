public import CoreMetrics
public import Logging
public import StrideStore

/// The one place that turns a configured backend into a store: it holds the only switch over
/// ``ServerConfiguration/Backend``. A new backend adds its case here and its recipe beside it
/// (`StoreFactory+SQLite.swift`, `StoreFactory+Postgres.swift`), and nowhere else.
public enum StoreFactory {
    /// A configured backend before it is opened: what start-up checks on this machine, how to open
    /// it, and how the administration commands look after it.
    public struct Recipe: Sendable {
        /// The file the backend keeps its data in, as the configuration writes it (relative to the
        /// working directory); nil for a backend on a database server.
        public var file: String?
        /// For a backend on a database server: where, without the password (for the start-up line).
        public var server: String?
        /// Opens the store, bringing its schema up to date; `file` is ``file`` made absolute.
        var open: @Sendable (_ file: String?, _ logger: Logger, _ metrics: any MetricsFactory) async throws -> any BackendStore
        /// What `stride db` and `stride gc` do that depends on the backend.
        var maintenance: BackendMaintenance
    }

    /// The recipe for the configuration's backend; an unsupported store URI is refused in words.
    public static func recipe(for configuration: ServerConfiguration) throws(StartupFailure) -> Recipe {
        switch try configuration.backend() {
        case .sqlite(let path):
            sqliteRecipe(path: path, busyTimeout: configuration.databaseBusyTimeoutSeconds)
        case .postgres(let settings):
            postgresRecipe(settings, unavailableAfter: configuration.databaseBusyTimeout)
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
