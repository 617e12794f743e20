import Logging
import NIOPosix
import SQLiteNIO
import Synchronization

/// One SQLite database file in WAL mode: a single writer connection behind a lock and a few reader
/// connections used round-robin, so reads never wait for a write.
final class SQLiteDatabase: Sendable {
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writeLock = AsyncLock()
    private let nextReader = Atomic<Int>(0)

    private init(writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.writer = writer
        self.readers = readers
    }

    static func open(path: String, readerCount: Int, logger: Logger) async throws -> SQLiteDatabase {
        let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        // WAL lets readers run beside the writer; NORMAL sync is durable across process crashes and
        // costs one fsync per checkpoint instead of one per commit.
        for pragma in [
            "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA busy_timeout = 10000",
            "PRAGMA cache_size = -65536", "PRAGMA temp_store = MEMORY", "PRAGMA foreign_keys = OFF",
        ] {
            _ = try await writer.query(pragma)
        }
        var readers: [SQLiteConnection] = []
        for _ in 0..<max(1, readerCount) {
            let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            for pragma in ["PRAGMA busy_timeout = 10000", "PRAGMA cache_size = -16384", "PRAGMA query_only = ON"] {
                _ = try await reader.query(pragma)
            }
            readers.append(reader)
        }
        return SQLiteDatabase(writer: writer, readers: readers)
    }

    /// Runs `body` inside one write transaction; any error rolls everything back.
    func write<T: Sendable>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            _ = try await writer.query("BEGIN IMMEDIATE")
            do {
                let result = try await body(writer)
                _ = try await writer.query("COMMIT")
                return result
            } catch {
                _ = try? await writer.query("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `body` on a reader connection. Each statement sees a committed snapshot.
    func read<T: Sendable>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        let index = nextReader.add(1, ordering: .relaxed).oldValue % readers.count
        return try await body(readers[index])
    }

    func close() async throws {
        for reader in readers { try await reader.close() }
        try await writer.close()
    }
}

extension SQLiteConnection {
    /// Runs a statement whose result rows are not needed.
    func execute(_ sql: String, _ binds: [SQLiteData] = []) async throws {
        try await query(sql, binds) { _ in }
    }
}

extension Array where Element == SQLiteData {
    /// `?, ?, ?` for a statement with one placeholder per element.
    static func placeholders(_ count: Int) -> String {
        Swift.Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
