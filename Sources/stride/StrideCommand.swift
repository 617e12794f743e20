import ArgumentParser
import StrideServer

/// `stride`: the experiment-tracking server that speaks MLflow's REST API.
@main
struct StrideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stride",
        abstract: "An MLflow-compatible experiment-tracking server.",
        discussion: """
            Point the unmodified mlflow client at it: MLFLOW_TRACKING_URI=http://127.0.0.1:5000.
            `stride server` with no flags listens on http://127.0.0.1:5000 and keeps everything in \
            ./stride-data (the store sqlite:///stride-data/stride.db and the artifact folder \
            ./stride-data/artifacts), with auth off; `stride server --help` lists every flag and its default.
            """,
        version: StrideVersion.current,
        subcommands: [ServerCommand.self, TokenCommand.self, ProjectCommand.self, ImportCommand.self, GcCommand.self, DbCommand.self])
}
