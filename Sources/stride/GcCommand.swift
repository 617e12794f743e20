import ArgumentParser
import Foundation
import Logging
import StrideDomain
import StrideServer
import StrideService

/// `stride gc`: permanently removes deleted runs and experiments, as `mlflow gc` does.
struct GcCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Permanently remove deleted runs and experiments with their data and artifacts.",
        discussion: """
            Removes runs and experiments in the deleted stage: their metrics, params, tags, dataset inputs, \
            outputs, logged models and artifact folders. It works in small transactions and may run while the \
            server does. Point it at the server's store and artifact folder with the same flags or environment.
            SQLite: freed pages are reused by new data at once; a store created by this version returns them \
            to the file system at the end of each gc. An older store shrinks only after `stride gc --vacuum` \
            once (a full rewrite that holds writers off while it runs), and incrementally after that.
            """)

    @Option(help: "Only what was deleted at least this long ago, as mlflow gc reads it: e.g. 30d, 12h, 1d2h3m4s (default: anything deleted).")
    var olderThan: String?

    @Option(help: "Comma-separated run ids to remove instead of every deleted run; each must be deleted.")
    var runIds: String?

    @Option(help: "Comma-separated experiment ids to remove (with all their runs) instead of every deleted experiment; each must be deleted.")
    var experimentIds: String?

    @Flag(help: "List what would be removed and remove nothing.")
    var dryRun: Bool = false

    @Flag(help: "SQLite: afterwards rewrite the whole file (VACUUM) so it shrinks now and shrinks after every later gc.")
    var vacuum: Bool = false

    @OptionGroup var store: BackendStoreOptions
    @OptionGroup var artifacts: ArtifactStoreOptions

    func run() async throws {
        var selection = GarbageCollector.Selection()
        if let olderThan {
            guard let age = GarbageCollector.age(parsing: olderThan) else {
                throw ValidationError("Could not parse --older-than '\(olderThan)': use e.g. 8h, 30d or 2d8h5m20s.")
            }
            selection.olderThan = age
        }
        selection.runIDs = runIds.map(Self.list)
        if let experimentIds {
            do {
                selection.experimentIDs = try Self.list(experimentIds).map { (text) throws(StrideError) in try ExperimentID(parsing: text) }
            } catch {
                throw ValidationError("--experiment-ids: \(error.message)")
            }
        }
        var logger = Logger(label: "stride")
        logger.logLevel = .warning
        let configuration = artifacts.applied(to: store.applied(to: ServerConfiguration()))
        _ = try await StoreMaintenance.collectGarbage(
            configuration, selection: selection, dryRun: dryRun, vacuum: vacuum, logger: logger, say: Console.say)
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
