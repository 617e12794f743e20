import Foundation
import Logging
import PostgresNIO
import StridePostgres

/// A database of its own for one test, created on the server `STRIDE_TEST_POSTGRES_URL` names
/// (e.g. `postgresql://postgres@127.0.0.1:5432/postgres`) and dropped when the test is done.
struct ScratchPostgresDatabase: Sendable {
    var settings: PostgresSettings
    private var server: PostgresSettings

    static var serverURL: String? {
        ProcessInfo.processInfo.environment["STRIDE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func create(serverURL: String) async throws -> ScratchPostgresDatabase {
        let server = try PostgresSettings(uri: serverURL)
        var settings = server
        settings.database = "stride_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        settings.poolSize = 4
        let name = settings.database
        try await Self.onServer(server) { connection, logger in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        return ScratchPostgresDatabase(settings: settings, server: server)
    }

    func drop() async throws {
        let name = settings.database
        try await Self.onServer(server) { connection, logger in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
        }
    }

    /// The tables of this database an `ANALYZE` statement has run on (autovacuum's are not counted).
    func analyzedTables() async throws -> Set<String> {
        var names = Set<String>()
        try await Self.onServer(settings) { connection, logger in
            let rows = try await connection.query(
                "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL", logger: logger)
            for try await name in rows.decode(String.self) { names.insert(name) }
        }
        return names
    }

    private static func onServer(_ server: PostgresSettings, _ body: (PostgresConnection, Logger) async throws -> Void) async throws {
        let logger = Logger(label: "test")
        let connection = try await connect(server, logger: logger)
        do {
            try await body(connection, logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    /// Connects, waiting while the server refuses for `too_many_connections`: the suite's tests run in
    /// parallel, each with a store's pool, and can fill the server's connection slots for a moment.
    private static func connect(_ server: PostgresSettings, logger: Logger) async throws -> PostgresConnection {
        var attempt = 0
        while true {
            do {
                return try await PostgresConnection.connect(
                    configuration: .init(host: server.host, port: server.port, username: server.username, password: server.password,
                                         database: server.database, tls: .disable),
                    id: 1, logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "53300" && attempt < 100 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
