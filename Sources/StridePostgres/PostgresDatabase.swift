import Foundation
public import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import StrideDomain
import StrideStore

/// The store's connection pool, with the mapping every store call needs: a database that cannot be
/// reached (down, restarting, network gone) surfaces as ``StoreUnavailable`` (503, the client retries),
/// and errors thrown inside a transaction come out as themselves, not wrapped in postgres-nio's.
///
/// postgres-nio's pool reconnects by itself once the database is back; a call waits at most
/// `unavailableAfter` for a connection before giving up.
final class PostgresDatabase: Sendable {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    let logger: Logger
    private let unavailableAfter: Duration

    init(settings: PostgresSettings, unavailableAfter: Duration = .seconds(10), logger: Logger) {
        client = PostgresClient(configuration: settings.clientConfiguration(), backgroundLogger: logger)
        let client = client
        runner = Task { await client.run() }
        self.logger = logger
        self.unavailableAfter = unavailableAfter
    }

    /// Runs `body` in one transaction; it is rolled back when `body` throws.
    func write<T: Sendable>(_ body: @Sendable @escaping (Session) async throws -> T) async throws -> T {
        try await mapped {
            try await self.client.withConnection { connection in
                try await Self.transaction(on: connection, logger: self.logger) { connection in
                    try await body(Session(connection: connection, logger: self.logger))
                }
            }
        }
    }

    /// Runs `body` in one read-only transaction whose statements all see one snapshot of the database
    /// (`REPEATABLE READ`): for a read of several statements that must agree, such as a run with its
    /// params, metrics and tags, or a search page with the runs it loads, while other instances write.
    func snapshot<T: Sendable>(_ body: @Sendable @escaping (Session) async throws -> T) async throws -> T {
        try await mapped {
            try await self.client.withConnection { connection in
                try await Self.transaction(on: connection, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: self.logger) {
                    connection in
                    try await body(Session(connection: connection, logger: self.logger))
                }
            }
        }
    }

    /// Runs `body` on one connection without a transaction block (each statement sees committed data):
    /// for reads of one statement, or of several whose answers need not agree.
    func read<T: Sendable>(_ body: @Sendable @escaping (Session) async throws -> T) async throws -> T {
        try await mapped {
            try await self.client.withConnection { connection in
                try await body(Session(connection: connection, logger: self.logger))
            }
        }
    }

    /// Runs `body`, a write of exactly one statement, without `BEGIN` and `COMMIT`: PostgreSQL applies
    /// one statement atomically by itself, so the two extra round trips would buy nothing.
    func writeOneStatement<T: Sendable>(_ body: @Sendable @escaping (Session) async throws -> T) async throws -> T {
        try await read(body)
    }

    func close() {
        runner.cancel()
    }

    /// `begin` … `COMMIT`, rolled back when `body` throws; `body`'s own error is rethrown unchanged.
    static func transaction<T>(
        on connection: PostgresConnection, begin: PostgresQuery = "BEGIN", logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await connection.query(begin, logger: logger)
        let result: T
        do {
            result = try await body(connection)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
        try await connection.query("COMMIT", logger: logger)
        return result
    }

    /// `body`, with lost connections and a pool that found no connection in time turned into ``StoreUnavailable``.
    ///
    /// The time limit is an event-loop timer that is cancelled, and so freed, the moment `body` ends.
    /// It was a sleeping child task, and a cancelled `Task.sleep` keeps its memory until its deadline
    /// (swiftlang/swift#60441): under a steady load the server held ten seconds' worth of them, and
    /// its RSS grew by over 100 MB (docs/performance.md).
    private func mapped<T: Sendable>(_ body: @Sendable @escaping () async throws -> T) async throws -> T {
        let limit = unavailableAfter
        let deadline = PostgresClient.defaultEventLoopGroup.any().scheduleTask(in: TimeAmount(limit)) {}
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    // Ends when the limit passes, or at once when `body` finished first and the timer was cancelled.
                    try? await deadline.futureResult.get()
                    return nil
                }
                defer {
                    deadline.cancel()
                    group.cancelAll()
                }
                guard let first = try await group.next(), let value = first else {
                    throw StoreUnavailable(waitedSeconds: Double(limit.components.seconds))
                }
                return value
            }
        } catch let error as PSQLError where Self.meansUnavailable(error) {
            logger.warning("PostgreSQL is unavailable: \(String(reflecting: error.code))")
            throw StoreUnavailable(waitedSeconds: 0)
        }
    }

    /// Whether `error` says the database could not be reached or went away, rather than refusing a statement.
    static func meansUnavailable(_ error: PSQLError) -> Bool {
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown,
            .queryCancelled:
            return true
        case .server:
            // Class 08 (connection exception), 57P01-03 (admin shutdown, crash shutdown, cannot connect now),
            // 40001/40P01 (serialization failure, deadlock: the write may simply be retried).
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57P") || state == "40001" || state == "40P01"
        default:
            return false
        }
    }
}

extension PostgresConnection {
    /// All rows of `statement`.
    func rows(_ statement: SQL, logger: Logger) async throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try await forEachRow(statement, logger: logger) { rows.append(try SQLRow($0)) }
        return rows
    }

    /// Hands each row of `statement` to `body`, as postgres-nio decoded it.
    func forEachRow(_ statement: SQL, logger: Logger, _ body: (PostgresRow) throws -> Void) async throws {
        if statement.isReused, try await executeReused(statement, logger: logger, body) { return }
        for try await row in try await self.query(statement.query, logger: logger) { try body(row) }
    }

    /// The first row of `statement`, if any.
    func row(_ statement: SQL, logger: Logger) async throws -> SQLRow? {
        try await rows(statement, logger: logger).first
    }

    /// Runs `statement` and returns how many rows it returned (write `RETURNING 1` to count changed rows).
    @discardableResult
    func execute(_ statement: SQL, logger: Logger) async throws -> Int {
        var count = 0
        try await forEachRow(statement, logger: logger) { _ in count += 1 }
        return count
    }
}

/// A leased connection and the logger its statements report to: what a store call's body works with.
struct Session {
    let connection: PostgresConnection
    let logger: Logger

    func rows(_ statement: SQL) async throws -> [SQLRow] {
        try await connection.rows(statement, logger: logger)
    }

    func row(_ statement: SQL) async throws -> SQLRow? {
        try await connection.row(statement, logger: logger)
    }

    /// Hands each row of `statement` to `body` undecoded: for reads of many rows of known columns.
    func forEachRow(_ statement: SQL, _ body: (PostgresRow) throws -> Void) async throws {
        try await connection.forEachRow(statement, logger: logger, body)
    }

    /// Runs `statement`; returns how many rows it returned (`RETURNING 1` counts changed rows).
    @discardableResult
    func execute(_ statement: SQL) async throws -> Int {
        try await connection.execute(statement, logger: logger)
    }
}
