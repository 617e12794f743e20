import ArgumentParser
import Foundation
import StrideServer

/// `--artifacts-destination`, shared by `stride server` and the commands that reach its files
/// (`stride gc`): the same flag, environment variables and default.
struct ArtifactDestinationOption: ParsableArguments {
    @Option(help: "The folder (or file: URI) where served artifacts are stored (default: ./stride-data/artifacts; also STRIDE_ARTIFACTS_DESTINATION or MLFLOW_ARTIFACTS_DESTINATION).")
    var artifactsDestination: String?

    /// `configuration` with the flag (or its environment variables) applied.
    func applied(to configuration: ServerConfiguration) -> ServerConfiguration {
        var configuration = configuration
        let environment = ProcessInfo.processInfo.environment
        let fromEnvironment = ["STRIDE_ARTIFACTS_DESTINATION", "MLFLOW_ARTIFACTS_DESTINATION"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        configuration.artifactsDestination = artifactsDestination ?? fromEnvironment ?? configuration.artifactsDestination
        return configuration
    }
}
