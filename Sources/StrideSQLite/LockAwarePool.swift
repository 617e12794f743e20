import Foundation
import GRDB
import StrideStore

/// The store's `DatabasePool`, with one change: a lock that outlasted the busy timeout surfaces as
/// ``StoreUnavailable`` instead of GRDB's error, whose text carries SQL.
///
/// Every store call goes through `read` or `write` here, so no call site can forget the mapping.
struct LockAwarePool: Sendable {
    private let pool: DatabasePool
    private let busyTimeout: TimeInterval

    init(_ pool: DatabasePool, busyTimeout: TimeInterval) {
        self.pool = pool
        self.busyTimeout = busyTimeout
    }

    func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(updates)
        } catch let error as DatabaseError where Self.isLockTimeout(error) {
            throw StoreUnavailable(waitedSeconds: busyTimeout)
        }
    }

    func read<T>(_ value: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(value)
        } catch let error as DatabaseError where Self.isLockTimeout(error) {
            throw StoreUnavailable(waitedSeconds: busyTimeout)
        }
    }

    /// A write outside a transaction, for statements SQLite refuses inside one (VACUUM).
    func writeWithoutTransaction<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.writeWithoutTransaction(updates)
        } catch let error as DatabaseError where Self.isLockTimeout(error) {
            throw StoreUnavailable(waitedSeconds: busyTimeout)
        }
    }

    /// Copies a consistent snapshot of the database into `destination` with SQLite's backup API;
    /// writers carry on meanwhile (WAL readers never block them).
    func backup(to destination: DatabaseQueue) throws {
        try pool.backup(to: destination)
    }

    func close() throws {
        try pool.close()
    }

    private static func isLockTimeout(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
    }
}
