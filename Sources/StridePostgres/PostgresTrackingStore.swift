import Foundation
public import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import StrideDomain
public import StrideStore
import Synchronization

/// The PostgreSQL store: the same contract and schema as the SQLite store, on a postgres-nio
/// connection pool, so several Stride instances can serve one database.
///
/// Nothing is cached across requests that another instance could change: metric key ids and the
/// experiment key summary are insert-only facts (an id, once committed, never changes), so caching
/// them is safe with any number of instances; everything else is read from the database.
public final class PostgresTrackingStore: BackendStore {
    let database: PostgresDatabase
    var logger: Logger { database.logger }
    /// Metric key → id, added once the transaction that created the key commits.
    let metricKeyIDs = Mutex<[String: Int64]>([:])
    /// Entries of the per-experiment key summary known to be stored, added once their transaction commits.
    let recordedExperimentKeys = Mutex<Set<ExperimentKeyEntry>>([])
    /// Run id → its experiment, learned from committed writes (a run never moves), so a one-statement
    /// write knows which key-summary entries are already stored (``Limits/maxCachedRunExperiments``).
    let runExperiments = Mutex<[String: Int64]>([:])
    /// Experiment → the artifact location its runs' URIs derive from, as last read; a one-statement
    /// create-run writes only while the stored location still equals it (``Limits/maxCachedExperimentLocations``).
    let experimentLocations = Mutex<[Int64: String]>([:])

    private init(database: PostgresDatabase) {
        self.database = database
    }

    /// Connects to the database `settings` name, brings its schema up to date (once, however many
    /// instances start together) and opens the pool. Throws ``PostgresSettingsError`` with one
    /// sentence when the database cannot be reached or refuses the credentials. While serving, a call
    /// that finds no connection within `unavailableAfter` throws ``StoreUnavailable`` (a 503).
    public static func open(
        settings: PostgresSettings, unavailableAfter: Duration = .seconds(10), logger: Logger
    ) async throws -> PostgresTrackingStore {
        let connection = try await connect(settings, logger: logger)
        do {
            try await PostgresMigrations.migrate(on: connection, logger: logger)
        } catch {
            try? await connection.close()
            throw PostgresSettingsError("The PostgreSQL schema at \(settings.address) could not be brought up to date: \(describe(error)).")
        }
        try? await connection.close()
        logger.debug("Opened PostgreSQL store at \(settings.address)")
        return PostgresTrackingStore(database: PostgresDatabase(settings: settings, unavailableAfter: unavailableAfter, logger: logger))
    }

    public func close() async throws {
        database.close()
    }

    /// One connection for the start-up checks, its failure in words.
    static func connect(_ settings: PostgresSettings, logger: Logger) async throws -> PostgresConnection {
        do {
            let configuration = try settings.connectionConfiguration()
            return try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw PostgresSettingsError("Cannot open the PostgreSQL database \(settings.address) as '\(settings.username)': \(describe(error)).")
        }
    }

    /// A driver error in words for a start-up message, without SQL.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if error.code == .server, let info = error.serverInfo {
            switch info[.sqlState] ?? "" {
            case "28P01", "28000": return "the user name or password was refused"
            case "3D000": return "the database does not exist"
            default: return info[.message] ?? "the server refused it"
            }
        }
        switch error.code {
        case .connectionError: return "nothing answers there (is PostgreSQL running and listening on that address?)"
        case .sslUnsupported: return "the server does not offer TLS, which sslmode requires"
        case .authMechanismRequiresPassword: return "the server wants a password (in the URI, STRIDE_DATABASE_PASSWORD or STRIDE_DATABASE_PASSWORD_FILE)"
        default: return "\(error.code)"
        }
    }
}

/// One row of `experiment_keys`.
struct ExperimentKeyEntry: Hashable, Sendable {
    var experimentID: Int64
    var kind: PostgresTrackingStore.KeyKind
    var key: String
}

/// How metric values are stored: NaN as 0 with a flag, as in the SQLite store, so both order and
/// page through points alike.
enum StoredMetricValue {
    static func encode(_ value: Double) -> (value: Double, isNaN: Int64) {
        value.isNaN ? (0, 1) : (value, 0)
    }

    static func decode(value: Double, isNaN: Int64) -> Double {
        isNaN != 0 ? .nan : value
    }
}
