import ArgumentParser
import Foundation
import Logging
import StrideDomain
import StrideServer
import StrideService

/// `stride import`: an MLflow server's database and artifacts into the store `stride server` uses.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import an MLflow tracking database and its artifacts.",
        discussion: """
            Reads MLflow's SQLite or PostgreSQL database directly (MLflow 2.0 to 3.17; read only) and writes into the \
            store and artifact folder that `stride server` uses with the same flags and environment. Run ids, \
            experiment names, model names and version numbers are kept; experiment ids too unless Stride has them \
            already. Importing again adds only what is missing, so an interrupted import is resumed by running it again.
            """)

    @Option(help: ArgumentHelp(
        "The MLflow database, as given to `mlflow server --backend-store-uri`: sqlite:///<relative path>, sqlite:////<absolute path> or postgresql://user:password@host:5432/database.",
        valueName: "uri"))
    var from: String

    @Option(help: ArgumentHelp(
        "MLflow's artifact root: the folder (or file: URI) `mlflow server` stored artifacts in, which mlflow-artifacts:/ URIs are relative to (default: mlartifacts beside an SQLite database, ./mlartifacts for PostgreSQL).",
        valueName: "folder"))
    var artifacts: String?

    @Option(help: "The project to import into; it must exist (`stride project create`).")
    var project: String = Project.defaultName

    @Flag(help: "Count what would be imported; change nothing.")
    var dryRun: Bool = false

    @Flag(help: "Leave artifacts where they are and point runs at them with file: URIs, instead of copying them into Stride's artifact folder.")
    var referenceArtifacts: Bool = false

    @OptionGroup var store: BackendStoreOptions

    @OptionGroup var artifactStore: ArtifactStoreOptions

    func run() async throws {
        let configuration = artifactStore.applied(to: store.applied(to: ServerConfiguration()))
        var logger = Logger(label: "stride")
        logger.logLevel = .warning
        let display = ProgressDisplay()
        let started = ContinuousClock.now
        let report = try await MLflowImportSetup.run(
            configuration, from: from, artifactRoot: artifacts,
            options: MLflowImporter.Options(project: project, artifacts: referenceArtifacts ? .reference : .copy, dryRun: dryRun),
            logger: logger, announce: Console.note, progress: display.show)
        display.finish()
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        for line in ImportSummary.lines(report, dryRun: dryRun, seconds: seconds) { Console.say(line) }
    }
}
