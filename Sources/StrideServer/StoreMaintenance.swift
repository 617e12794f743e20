import Foundation
public import Logging
import StrideDomain
import StrideLocalArtifacts
import StrideSQLite
public import StrideService

/// `stride gc` and `stride db`, on the store and artifact folder `stride server` would use with
/// the same configuration. They work on an existing store (never create one) and may run while
/// the server does: SQLite's WAL lets the server read meanwhile and its writes interleave with
/// these commands' short transactions. `say` hears the lines for the user.
public enum StoreMaintenance {
    /// Runs `stride gc`: collects `selection`, then (SQLite) returns freed pages to the file system
    /// where the file allows it, or rewrites the file first with `vacuum`.
    public static func collectGarbage(
        _ configuration: ServerConfiguration, selection: GarbageCollector.Selection, dryRun: Bool, vacuum: Bool, logger: Logger,
        say: @escaping @Sendable (String) -> Void
    ) async throws -> GarbageCollector.Summary {
        let storeFile = try existingStoreFile(configuration)
        let directory = try configuration.artifactsDestinationDirectory()
        guard case .directory = PathKind(of: directory) else {
            throw StartupFailure(
                "The artifact folder \(directory) does not exist; pass the --artifacts-destination `stride server` uses, so removed runs' files go too.")
        }
        let started = ContinuousClock.now
        return try await withStore(at: storeFile, configuration: configuration, logger: logger) { store in
            let artifacts = try await LocalArtifactStore.open(directory: directory)
            let resolver = StrideApplication.artifactURIResolver(directory, store: artifacts)
            let collector = GarbageCollector(store: store, artifacts: artifacts, resolver: resolver)
            let before = try store.space()
            let summary = try await collector.collect(selection, now: SystemTimeSource().nowMilliseconds(), dryRun: dryRun, progress: say)
            if dryRun {
                say("Would remove \(summary.runs) runs and \(summary.experiments) experiments.")
                return summary
            }
            say(
                "Removed \(summary.runs) runs and \(summary.experiments) experiments (\(summary.metricPoints) metric points, "
                    + "\(summary.artifactFolders) artifact folders) in \(seconds(since: started)).")
            for location in Set(summary.artifactsLeft).sorted() {
                say("Left in place (outside the artifact folder, or not a folder of its own): \(location)")
            }
            try await reclaimSpace(store, before: before, vacuum: vacuum, say: say)
            return summary
        }
    }

    /// Returns freed pages to the file system and says what the file's size did.
    static func reclaimSpace(
        _ store: SQLiteTrackingStore, before: SQLiteMaintenance.SpaceReport, vacuum: Bool, say: @Sendable (String) -> Void
    ) async throws {
        if vacuum {
            say("Vacuuming the store (writers wait until it ends)...")
            try await store.vacuum()
        } else if try store.space().incrementalVacuum {
            while try await store.releaseFreePages(upTo: Limits.gcFreePagesPerTransaction) > 0 {}
        }
        try? await store.checkpoint()
        let after = try store.space()
        if vacuum || after.incrementalVacuum {
            say("Store file: \(megabytes(before.fileBytes)) before, \(megabytes(after.fileBytes)) now.")
        } else {
            say(
                "Store file: \(megabytes(after.fileBytes)), of which \(megabytes(after.freeBytes)) free pages that new data reuses; "
                    + "run `stride gc --vacuum` once to shrink the file (and let later runs of gc shrink it).")
        }
    }

    /// `stride db check`: says what it finds and returns whether the store is sound and readable by this binary.
    public static func check(_ configuration: ServerConfiguration, say: @Sendable (String) -> Void) throws -> Bool {
        let file = try existingStoreFile(configuration)
        let report = try SQLiteMaintenance.check(path: file)
        say("Store: \(file)")
        say("Schema: \(report.appliedVersions.last ?? "empty") (this binary knows up to \(SQLiteMaintenance.Report.latestVersion))")
        if !report.unknownVersions.isEmpty {
            say("Newer than this binary: \(report.unknownVersions.joined(separator: ", ")); upgrade Stride before serving this store.")
        }
        say(
            report.pendingVersions.isEmpty
                ? "Migrations: none pending"
                : "Migrations: a start (or `stride db upgrade`) would apply \(report.pendingVersions.joined(separator: ", "))")
        say("Integrity: \(report.integrity.joined(separator: "; "))")
        say(
            "Size: \(megabytes(report.space.fileBytes)), free pages \(megabytes(report.space.freeBytes)), "
                + "incremental vacuum \(report.space.incrementalVacuum ? "on" : "off")")
        return report.integrity == ["ok"] && report.unknownVersions.isEmpty
    }

    /// `stride db upgrade`: applies pending migrations.
    public static func upgrade(_ configuration: ServerConfiguration, say: @Sendable (String) -> Void) throws {
        let file = try existingStoreFile(configuration)
        let applied = try SQLiteMaintenance.upgrade(path: file)
        say(
            applied.isEmpty
                ? "The store \(file) is up to date (\(SQLiteMaintenance.Report.latestVersion))."
                : "Applied \(applied.joined(separator: ", ")) to \(file).")
    }

    /// `stride db backup`: a consistent copy of the store in a new file, taken with SQLite's backup
    /// API from one read snapshot, so the server keeps writing meanwhile.
    public static func backup(
        _ configuration: ServerConfiguration, to destination: String, logger: Logger, say: @Sendable (String) -> Void
    ) async throws {
        let file = try existingStoreFile(configuration)
        let target = URL(fileURLWithPath: destination).standardizedFileURL.path
        guard case .missing = PathKind(of: target) else { throw StartupFailure("\(target) exists; name a new file.") }
        let started = ContinuousClock.now
        try await withStore(at: file, configuration: configuration, logger: logger) { store in
            try store.backup(to: target)
        }
        let size: Int64 = if case .file(let bytes) = PathKind(of: target) { bytes } else { 0 }
        say("Backed up \(file) to \(target) (\(megabytes(size)) in \(seconds(since: started))).")
    }

    /// The existing store file the configuration names.
    static func existingStoreFile(_ configuration: ServerConfiguration) throws -> String {
        let locations = try StorageLocations.inspect(configuration, includingArtifacts: false)
        guard locations.storeExists else {
            throw StartupFailure(
                "There is no store at \(locations.storeFile) (--backend-store-uri \(configuration.backendStoreURI)); name the store `stride server` uses.")
        }
        return locations.storeFile
    }

    /// Opens (and thereby migrates) the existing store and runs `body` with it.
    static func withStore<Result: Sendable>(
        at storeFile: String, configuration: ServerConfiguration, logger: Logger, _ body: (SQLiteTrackingStore) async throws -> Result
    ) async throws -> Result {
        let store = try await StrideApplication.openStore(at: storeFile, busyTimeout: configuration.databaseBusyTimeoutSeconds, logger: logger)
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }

    static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }

    static func seconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        return String(format: "%.1f s", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
