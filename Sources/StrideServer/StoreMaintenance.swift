import Foundation
public import Logging
import StrideDomain
import StrideLocalArtifacts
import CoreMetrics
import StrideStore
public import StrideService

/// `stride gc` and `stride db`, on the store and artifact folder `stride server` would use with
/// the same configuration. They work on an existing store (never create one) and may run while
/// the server does: their transactions are short, so the server's reads and writes interleave
/// with them (SQLite's WAL; PostgreSQL's row locks). What differs by backend comes from the store
/// factory's ``BackendMaintenance``. `say` hears the lines for the user.
public enum StoreMaintenance {
    /// Runs `stride gc`: collects `selection`, then gives the freed space back as the backend can
    /// (SQLite: free pages returned to the file system where the file allows it, or the whole file
    /// rewritten first with `vacuum`).
    public static func collectGarbage(
        _ configuration: ServerConfiguration, selection: GarbageCollector.Selection, dryRun: Bool, vacuum: Bool, logger: Logger,
        say: @escaping @Sendable (String) -> Void
    ) async throws -> GarbageCollector.Summary {
        let recipe = try StoreFactory.recipe(for: configuration)
        let location = try existingStore(configuration)
        let directory = try configuration.artifactsDestinationDirectory()
        guard case .directory = PathKind(of: directory) else {
            throw StartupFailure(
                "The artifact folder \(directory) does not exist; pass the --artifacts-destination `stride server` uses, so removed runs' files go too.")
        }
        let started = ContinuousClock.now
        return try await withStore(recipe, at: location, logger: logger) { store in
            guard let purgeable = store as? any PurgeStore else {
                throw StartupFailure("stride gc cannot remove rows from the store at \(location).")
            }
            let artifacts = try await LocalArtifactStore.open(directory: directory)
            let resolver = StrideApplication.artifactURIResolver(directory, store: artifacts)
            let collector = GarbageCollector(store: purgeable, artifacts: artifacts, resolver: resolver)
            let reclaimSpace = try await recipe.maintenance.spaceReclaimer(store)
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
            try await reclaimSpace(vacuum, say)
            return summary
        }
    }

    /// `stride db check`: says what it finds and returns whether the store is sound and readable by this binary.
    public static func check(_ configuration: ServerConfiguration, logger: Logger, say: @Sendable (String) -> Void) async throws -> Bool {
        let maintenance = try StoreFactory.recipe(for: configuration).maintenance
        let location = try existingStore(configuration)
        let report = try await maintenance.check(location, logger)
        say("Store: \(location)")
        say("Schema: \(report.appliedVersions.last ?? "empty") (this binary knows up to \(maintenance.latestVersion))")
        if !report.unknownVersions.isEmpty {
            say("Newer than this binary: \(report.unknownVersions.joined(separator: ", ")); upgrade Stride before serving this store.")
        }
        say(
            report.pendingVersions.isEmpty
                ? "Migrations: none pending"
                : "Migrations: a start (or `stride db upgrade`) would apply \(report.pendingVersions.joined(separator: ", "))")
        say("Integrity: \(report.integrity)")
        say("Size: \(report.size)")
        return report.integrityOK && report.unknownVersions.isEmpty
    }

    /// `stride db upgrade`: applies pending migrations.
    public static func upgrade(_ configuration: ServerConfiguration, logger: Logger, say: @Sendable (String) -> Void) async throws {
        let maintenance = try StoreFactory.recipe(for: configuration).maintenance
        let location = try existingStore(configuration)
        let applied = try await maintenance.upgrade(location, logger)
        say(
            applied.isEmpty
                ? "The store \(location) is up to date (\(maintenance.latestVersion))."
                : "Applied \(applied.joined(separator: ", ")) to \(location).")
    }

    /// `stride db backup`: a consistent copy of the store in a new file, taken from one read
    /// snapshot (SQLite's backup API), so the server keeps writing meanwhile.
    public static func backup(
        _ configuration: ServerConfiguration, to destination: String, logger: Logger, say: @Sendable (String) -> Void
    ) async throws {
        let maintenance = try StoreFactory.recipe(for: configuration).maintenance
        let location = try existingStore(configuration)
        let target = URL(fileURLWithPath: destination).standardizedFileURL.path
        guard case .missing = PathKind(of: target) else { throw StartupFailure("\(target) exists; name a new file.") }
        let started = ContinuousClock.now
        try await maintenance.backup(location, target, logger)
        let size: Int64 = if case .file(let bytes) = PathKind(of: target) { bytes } else { 0 }
        say("Backed up \(location) to \(target) (\(megabytes(size)) in \(seconds(since: started))).")
    }

    /// The existing store the configuration names: its absolute file, or the database server.
    static func existingStore(_ configuration: ServerConfiguration) throws -> String {
        let locations = try StorageLocations.inspect(configuration, includingArtifacts: false)
        guard locations.storeExists else {
            throw StartupFailure(
                "There is no store at \(locations.storeFile) (--backend-store-uri \(configuration.backendStoreURI)); name the store `stride server` uses.")
        }
        return locations.storeFile
    }

    /// Opens (and thereby migrates) the existing store and runs `body` with it.
    static func withStore<Result: Sendable>(
        _ recipe: StoreFactory.Recipe, at location: String, logger: Logger, _ body: (any BackendStore) async throws -> Result
    ) async throws -> Result {
        let store = try await recipe.open(recipe.file == nil ? nil : location, logger, NOOPMetricsHandler.instance)
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
