import Foundation
import GRDB

/// `stride db`: the schema's state without starting a server, migrations on demand, the
/// integrity check, and an online backup.
public enum SQLiteMaintenance {
    /// What `stride db check` reports about a store file.
    public struct Report: Sendable, Equatable {
        /// Schema versions recorded in the file, in order (`v1`, `v2`, ...).
        public var appliedVersions: [String]
        /// Versions this binary knows and a start (or `stride db upgrade`) would apply.
        public var pendingVersions: [String]
        /// Versions recorded in the file that this binary does not know: a newer Stride wrote it.
        public var unknownVersions: [String]
        /// `PRAGMA integrity_check`'s lines; `["ok"]` for a sound file.
        public var integrity: [String]
        public var space: SpaceReport

        /// The newest version this binary knows.
        public static var latestVersion: String { Migrations.migrator.migrations.last ?? "none" }
    }

    /// The file's size and how much of it is free pages.
    public struct SpaceReport: Sendable, Equatable {
        public var fileBytes: Int64
        public var freeBytes: Int64
        /// Whether freed pages can be returned to the file system without a full VACUUM.
        public var incrementalVacuum: Bool
    }

    /// Reads the store at `path` without changing it (nothing is migrated, nothing created).
    public static func check(path: String) throws -> Report {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            let migrator = Migrations.migrator
            let known = migrator.migrations
            let applied = try db.tableExists("grdb_migrations") ? try migrator.appliedIdentifiers(db) : []
            return Report(
                appliedVersions: known.filter(applied.contains) + applied.subtracting(known).sorted(),
                pendingVersions: known.filter { !applied.contains($0) },
                unknownVersions: applied.subtracting(known).sorted(),
                integrity: try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                space: try space(db))
        }
    }

    /// Applies pending migrations to the store at `path` (created if missing) and returns the
    /// versions it applied; a file written by a newer Stride is refused unchanged.
    public static func upgrade(path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        let migrator = Migrations.migrator
        let pending = try queue.read { db in
            let applied = try db.tableExists("grdb_migrations") ? try migrator.appliedIdentifiers(db) : []
            let unknown = applied.subtracting(migrator.migrations)
            guard unknown.isEmpty else { throw NewerSchema(versions: unknown.sorted()) }
            return migrator.migrations.filter { !applied.contains($0) }
        }
        try migrator.migrate(queue)
        return pending
    }

    /// The schema holds versions this binary does not know.
    public struct NewerSchema: Error, CustomStringConvertible {
        public var versions: [String]
        public var description: String {
            "The store was written by a newer Stride (schema \(versions.joined(separator: ", "))); this binary knows up to \(Report.latestVersion)."
        }
    }

    static func space(_ db: Database) throws -> SpaceReport {
        let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
        let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let mode = try Int64.fetchOne(db, sql: "PRAGMA auto_vacuum") ?? 0
        return SpaceReport(fileBytes: pageSize * pages, freeBytes: pageSize * free, incrementalVacuum: mode == 2)
    }
}

extension SQLiteTrackingStore {
    /// The file's size and free pages now.
    public func space() throws -> SQLiteMaintenance.SpaceReport {
        try readNow { try SQLiteMaintenance.space($0) }
    }

    /// Returns up to `pages` free pages to the file system (a file with incremental auto-vacuum)
    /// and gives back how many it returned; each call is one short write.
    public func releaseFreePages(upTo pages: Int) async throws -> Int {
        try await pool.writeWithoutTransaction { db in
            let before = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            try db.execute(sql: "PRAGMA incremental_vacuum(\(max(1, pages)))")
            let after = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            return before - after
        }
    }

    /// Rewrites the whole file without free pages (and with incremental auto-vacuum from then on).
    /// Writers wait until it ends; it needs free disk space about the file's size.
    public func vacuum() async throws {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            try db.execute(sql: "VACUUM")
        }
    }

    /// Copies the write-ahead log into the file and truncates it, so the file's size on disk
    /// shows what was freed; a busy server may keep it from finishing, which is harmless.
    public func checkpoint() async throws {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Writes a consistent copy of the database to a new file at `path` while the store stays in use.
    public func backup(to path: String) throws {
        let destination = try DatabaseQueue(path: path)
        defer { try? destination.close() }
        try pool.backup(to: destination)
    }
}
