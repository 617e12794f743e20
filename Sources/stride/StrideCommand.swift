import ArgumentParser

/// `stride`: the experiment-tracking server that speaks MLflow's REST API.
@main
struct StrideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stride",
        abstract: "An MLflow-compatible experiment-tracking server.",
        discussion: """
            Point the unmodified mlflow client at it: MLFLOW_TRACKING_URI=http://127.0.0.1:5000.
            `stride server` with no flags keeps everything in ./stride-data (SQLite and artifacts).
            """,
        subcommands: [ServerCommand.self, TokenCommand.self, ProjectCommand.self])
}
