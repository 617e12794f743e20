public import Logging
import PostgresNIO
public import StrideDomain
public import StrideStore

/// An MLflow tracking server's PostgreSQL database (`mlflow server --backend-store-uri postgresql://...`),
/// read in place for `stride import`; ``MLflowSchemaReader`` reads MLflow's tables through it.
///
/// Opening checks, before anything is imported, that the database answers, that it has MLflow's
/// `alembic_version`, `experiments` and `runs`, and that the revision is one ``MLflowSchemaRevision``
/// knows. Every read runs in a read-only transaction, so the import never writes to MLflow's database.
public final class MLflowPostgresSource: MLflowDatabase {
    let database: PostgresDatabase
    public let schema: MLflowSchemaRevision
    /// `host:port/database`, for messages.
    public let address: String

    public let inList = " = ANY(?)"

    private init(database: PostgresDatabase, schema: MLflowSchemaRevision, address: String) {
        self.database = database
        self.schema = schema
        self.address = address
    }

    /// Opens the database `settings` name, or says in words why it is not one Stride can import.
    public static func open(settings: PostgresSettings, logger: Logger) async throws -> MLflowPostgresSource {
        let connection: PostgresConnection
        do {
            connection = try await PostgresTrackingStore.connect(settings, logger: logger)
        } catch let error as PostgresSettingsError {
            throw MLflowSourceFailure("\(error.description) Nothing was imported.")
        }
        let revision: String
        do {
            revision = try await schemaRevision(on: connection, address: settings.address, logger: logger)
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        switch MLflowSchemaRevision.supported(revision) {
        case .success(let schema):
            // Reads of a large history take long; the pool's wait is for a connection, not for the read.
            let database = PostgresDatabase(settings: settings, unavailableAfter: .seconds(3600), logger: logger)
            return MLflowPostgresSource(database: database, schema: schema, address: settings.address)
        case .failure(let failure):
            throw failure
        }
    }

    /// The Alembic revision in `alembic_version`, once MLflow's tables are found where the connection looks.
    private static func schemaRevision(on connection: PostgresConnection, address: String, logger: Logger) async throws -> String {
        do {
            let found = try await connection.row(
                SQL("SELECT to_regclass('alembic_version') IS NOT NULL, to_regclass('experiments') IS NOT NULL, to_regclass('runs') IS NOT NULL"),
                logger: logger)
            guard let found, found.values.allSatisfy({ $0 == .bool(true) }) else {
                throw MLflowSourceFailure(
                    "The PostgreSQL database \(address) is not MLflow's: it has no alembic_version, experiments or runs table. Nothing was imported.")
            }
            guard let revision = try await connection.row(SQL("SELECT version_num FROM alembic_version"), logger: logger)?.optionalText(0) else {
                throw MLflowSourceFailure("The PostgreSQL database \(address) records no MLflow schema revision (its alembic_version table is empty).")
            }
            return revision
        } catch let error as PSQLError {
            throw MLflowSourceFailure("The PostgreSQL database \(address) cannot be read as MLflow's: \(PostgresTrackingStore.describe(error)).")
        }
    }

    public func close() {
        database.close()
    }

    // MARK: MLflowDatabase

    public func rows(_ statements: [String], ids: [String]?) async throws -> [[MLflowRow]] {
        let arguments: [SQLValue] = ids.map { [.texts($0)] } ?? []
        return try await reading { session in
            var result: [[MLflowRow]] = []
            for statement in statements {
                result.append(try await session.rows(SQL(statement, arguments)).map(Self.mlflowRow))
            }
            return result
        }
    }

    /// Pages by position in the order of MLflow's primary key within the run (key, timestamp, step,
    /// value): the table has no row number, and the key is unique within a run.
    public func metricHistory(runID: String, after position: Int64?, limit: Int) async throws -> (points: [Metric], next: Int64?) {
        let skip = position ?? 0
        let points = try await reading { session in
            try await session.rows(SQL(
                """
                SELECT key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ?
                ORDER BY key, timestamp, step, value, is_nan LIMIT ? OFFSET ?
                """, runID, limit, skip)
            ).map { row in
                let values = Self.mlflowRow(row)
                return Metric(
                    key: values.string(0), value: mlflowMetricValue(values.real(1), isNaN: values.flag(4)), timestamp: values.integer(2) ?? 0,
                    step: values.integer(3) ?? 0)
            }
        }
        let (next, overflow) = skip.addingReportingOverflow(Int64(points.count))
        return (points, points.count == limit && !overflow ? next : nil)
    }

    /// `body` in one read-only snapshot, PostgreSQL's failures turned into words.
    private func reading<T: Sendable>(_ body: @Sendable @escaping (Session) async throws -> T) async throws -> T {
        do {
            return try await database.snapshot(body)
        } catch let error as PSQLError {
            throw MLflowSourceFailure("Reading the MLflow database \(address) failed: \(PostgresTrackingStore.describe(error)).")
        } catch is StoreUnavailable {
            throw MLflowSourceFailure("The MLflow database \(address) stopped answering; run the import again to resume it.")
        }
    }

    private static func mlflowRow(_ row: SQLRow) -> MLflowRow {
        MLflowRow(row.values.map { value in
            switch value {
            case .integer(let number): .integer(number)
            case .real(let number): .real(number)
            case .text(let text): .text(text)
            case .bool(let flag): .flag(flag)
            case .null, .bytes, .integers, .reals, .texts: .null
            }
        })
    }
}
