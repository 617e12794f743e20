public import Logging
import PostgresNIO

/// `stride db` on PostgreSQL: the schema's state read without changing it, and migrations on demand.
/// Backups are PostgreSQL's own business (`pg_dump`), so there is none here.
public enum PostgresMaintenance {
    /// What `stride db check` reports about a database.
    public struct Report: Sendable, Equatable {
        /// Schema versions recorded in the database, in order.
        public var appliedVersions: [Int]
        /// Versions this binary knows and a start (or `stride db upgrade`) would apply.
        public var pendingVersions: [Int]
        /// Versions recorded that this binary does not know: a newer Stride wrote them.
        public var unknownVersions: [Int]
        /// The database's size on disk (`pg_database_size`).
        public var databaseBytes: Int64

        /// The newest version this binary knows.
        public static var latestVersion: Int { PostgresMigrations.all.last?.version ?? 0 }
    }

    /// Reads the schema versions of the database `settings` name; creates and migrates nothing.
    /// Throws ``PostgresSettingsError`` when the database cannot be reached.
    public static func check(settings: PostgresSettings, logger: Logger) async throws -> Report {
        try await withConnection(settings, logger: logger) { connection in
            let hasSchema = try await connection.row(
                SQL("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'stride_schema_versions'"),
                logger: logger)?.int(0) ?? 0
            let applied = hasSchema == 0
                ? []
                : try await connection.rows(SQL("SELECT version FROM stride_schema_versions ORDER BY version"), logger: logger).map { Int($0.int(0)) }
            let known = PostgresMigrations.all.map(\.version)
            let size = try await connection.row(SQL("SELECT pg_database_size(current_database())"), logger: logger)?.int(0) ?? 0
            return Report(
                appliedVersions: applied, pendingVersions: known.filter { !applied.contains($0) },
                unknownVersions: applied.filter { !known.contains($0) }, databaseBytes: size)
        }
    }

    /// Applies pending migrations (once, however many instances start meanwhile) and returns the
    /// versions it applied; a schema written by a newer Stride is refused unchanged (``NewerSchema``).
    public static func upgrade(settings: PostgresSettings, logger: Logger) async throws -> [Int] {
        try await withConnection(settings, logger: logger) { connection in
            try await PostgresMigrations.migrate(on: connection, refusingNewer: true, logger: logger)
        }
    }

    private static func withConnection<T>(
        _ settings: PostgresSettings, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await PostgresTrackingStore.connect(settings, logger: logger)
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// The schema holds versions this binary does not know.
    public struct NewerSchema: Error, CustomStringConvertible {
        public var versions: [Int]

        public var description: String {
            "The database was written by a newer Stride (schema versions \(versions.map(String.init).joined(separator: ", "))); "
                + "this binary knows up to \(PostgresMaintenance.Report.latestVersion)."
        }
    }
}
