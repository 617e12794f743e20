import Logging
import StridePostgres
import StrideStore

extension StoreFactory {
    /// A PostgreSQL database: opened through a connection pool; checked by its schema versions;
    /// backed up with PostgreSQL's own `pg_dump`; its freed space left to autovacuum.
    static func postgresRecipe(_ settings: PostgresSettings, unavailableAfter: Duration) -> Recipe {
        let server = "postgresql://\(settings.username)@\(settings.address)"
        return Recipe(
            file: nil, server: server,
            open: { _, logger, _ in
                try await startupFailures {
                    try await PostgresTrackingStore.open(settings: settings, unavailableAfter: unavailableAfter, logger: logger)
                }
            },
            maintenance: BackendMaintenance(
                check: { _, logger in
                    let report = try await startupFailures { try await PostgresMaintenance.check(settings: settings, logger: logger) }
                    return StoreCheck(
                        appliedVersions: report.appliedVersions.map(version), pendingVersions: report.pendingVersions.map(version),
                        unknownVersions: report.unknownVersions.map(version),
                        integrity: "not checked by Stride (PostgreSQL verifies its own pages; pg_amcheck checks tables and indexes)",
                        integrityOK: true, size: "\(StoreMaintenance.megabytes(report.databaseBytes)) (the whole database)")
                },
                upgrade: { _, logger in
                    try await startupFailures { try await PostgresMaintenance.upgrade(settings: settings, logger: logger) }.map(version)
                },
                latestVersion: version(PostgresMaintenance.Report.latestVersion),
                backup: { _, _, _ in
                    throw StartupFailure(
                        "stride db backup copies SQLite stores; back up a PostgreSQL store with PostgreSQL's own tools, e.g. "
                            + "pg_dump --format=custom --file=stride.dump '\(server)' (a consistent snapshot while Stride keeps serving; "
                            + "pg_restore reads it back), or continuous archiving for point-in-time recovery.")
                },
                spaceReclaimer: { _ in
                    { vacuum, say in
                        say(
                            (vacuum ? "--vacuum rewrites SQLite files; on PostgreSQL " : "PostgreSQL: ")
                                + "autovacuum makes the removed rows' space reusable for new data; VACUUM FULL would shrink the files "
                                + "but locks each table while it runs.")
                    }
                }))
    }

    /// Schema versions as `stride db` prints them, in SQLite's style (`v8`).
    private static func version(_ number: Int) -> String { "v\(number)" }

    /// The driver's one-sentence errors as start-up failures (printed without a stack of types).
    private static func startupFailures<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresSettingsError {
            throw StartupFailure(error.description)
        } catch let error as PostgresMaintenance.NewerSchema {
            throw StartupFailure(error.description)
        }
    }
}
