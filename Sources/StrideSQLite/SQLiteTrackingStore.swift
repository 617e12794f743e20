public import Logging
import SQLiteNIO
public import StrideDomain
public import StrideStore
import Synchronization

/// The embedded default store: one SQLite file in WAL mode.
public final class SQLiteTrackingStore: TrackingStore {
    let database: SQLiteDatabase
    /// Metric key → integer id. Ids are immutable once committed, so they are cached only after
    /// the transaction that created them commits.
    let metricKeyIDs = Mutex<[String: Int64]>([:])

    private init(database: SQLiteDatabase) {
        self.database = database
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public static func open(path: String, readerCount: Int = 4, logger: Logger) async throws -> SQLiteTrackingStore {
        let database = try await SQLiteDatabase.open(path: path, readerCount: readerCount, logger: logger)
        try await Migrations.migrate(database)
        return SQLiteTrackingStore(database: database)
    }

    public func close() async throws {
        try await database.close()
    }
}

/// Column readers that turn a schema mismatch into a clear error instead of a crash.
struct RowDecodingError: Error, CustomStringConvertible {
    var column: String
    var description: String { "unexpected value in column '\(column)'" }
}

extension SQLiteRow {
    func int(_ name: String) throws -> Int64 {
        guard let value = column(name)?.integer else { throw RowDecodingError(column: name) }
        return Int64(value)
    }

    func optionalInt(_ name: String) -> Int64? {
        column(name)?.integer.map(Int64.init)
    }

    func text(_ name: String) throws -> String {
        guard let value = column(name)?.string else { throw RowDecodingError(column: name) }
        return value
    }

    func optionalText(_ name: String) -> String? {
        guard let data = column(name), data != .null else { return nil }
        return data.string
    }

    func double(_ name: String) throws -> Double {
        guard let value = column(name)?.double else { throw RowDecodingError(column: name) }
        return value
    }
}

/// How metric values are stored: NaN is not a value SQLite keeps (it becomes NULL), so it is
/// stored as 0 with a flag, as MLflow's SQL store does.
enum StoredMetricValue {
    static func encode(_ value: Double) -> (value: Double, isNaN: Int) {
        value.isNaN ? (0, 1) : (value, 0)
    }

    static func decode(value: Double, isNaN: Int64) -> Double {
        isNaN != 0 ? .nan : value
    }
}
