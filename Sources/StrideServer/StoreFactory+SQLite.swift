import Logging
import StrideDomain
import StrideSQLite
import StrideStore

extension StoreFactory {
    /// An SQLite file: opened with its busy timeout; checked with SQLite's integrity check, backed up
    /// with its online backup API, and shrunk after gc by returning free pages to the file system.
    static func sqliteRecipe(path: String, busyTimeout: Double) -> Recipe {
        Recipe(
            file: path, server: nil,
            open: { file, logger, metrics in
                let store = try await StrideApplication.openStore(at: file ?? path, busyTimeout: busyTimeout, logger: logger, metrics: metrics)
                // What SQLite's caches free once the load ends goes back to the system, not to malloc's free lists.
                store.releaseMemoryWhenIdle(then: AllocatorTuning.returnFreedMemoryToTheSystem)
                return store
            },
            maintenance: BackendMaintenance(
                check: { file, _ in
                    let report = try SQLiteMaintenance.check(path: file)
                    return StoreCheck(
                        appliedVersions: report.appliedVersions, pendingVersions: report.pendingVersions, unknownVersions: report.unknownVersions,
                        integrity: report.integrity.joined(separator: "; "), integrityOK: report.integrity == ["ok"],
                        size: "\(StoreMaintenance.megabytes(report.space.fileBytes)), free pages \(StoreMaintenance.megabytes(report.space.freeBytes)), "
                            + "incremental vacuum \(report.space.incrementalVacuum ? "on" : "off")")
                },
                upgrade: { file, _ in try SQLiteMaintenance.upgrade(path: file) },
                latestVersion: SQLiteMaintenance.Report.latestVersion,
                backup: { file, target, logger in
                    let store = try await StrideApplication.openStore(at: file, busyTimeout: busyTimeout, logger: logger)
                    do {
                        try store.backup(to: target)
                    } catch {
                        try? await store.close()
                        throw error
                    }
                    try await store.close()
                },
                spaceReclaimer: { store in
                    guard let store = store as? SQLiteTrackingStore else { return { _, _ in } }
                    let before = try store.space()
                    return { vacuum, say in try await reclaimSpace(store, before: before, vacuum: vacuum, say: say) }
                }))
    }

    /// Returns freed pages to the file system and says what the file's size did.
    private static func reclaimSpace(
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
            say("Store file: \(StoreMaintenance.megabytes(before.fileBytes)) before, \(StoreMaintenance.megabytes(after.fileBytes)) now.")
        } else {
            say(
                "Store file: \(StoreMaintenance.megabytes(after.fileBytes)), of which \(StoreMaintenance.megabytes(after.freeBytes)) free pages "
                    + "that new data reuses; run `stride gc --vacuum` once to shrink the file (and let later runs of gc shrink it).")
        }
    }
}
