import ArgumentParser
import Foundation
import StrideServer

/// `--artifacts-destination`, `--default-artifact-root` and `--serve-artifacts`, shared by `stride server`
/// and `stride import`, so an import puts artifacts where the server serves them from.
struct ArtifactStoreOptions: ParsableArguments {
    @Option(help: "The artifact root new experiments get (default: mlflow-artifacts:, served by this server).")
    var defaultArtifactRoot: String?

    @Option(help: "The folder, file: URI or s3://bucket/prefix where served artifacts are stored (default: ./stride-data/artifacts).")
    var artifactsDestination: String?

    @Flag(inversion: .prefixedNo, help: "Serve artifacts through this server as mlflow-artifacts:/ URIs. With --no-serve-artifacts, new experiments get the destination's file: URI and clients write there directly.")
    var serveArtifacts: Bool = true

    /// `configuration` with these flags (or their environment variables) applied.
    func applied(to configuration: ServerConfiguration) -> ServerConfiguration {
        let environment = ProcessInfo.processInfo.environment
        func setting(_ flag: String?, _ names: String...) -> String? {
            flag ?? names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        }
        var configuration = configuration
        configuration.artifactsDestination =
            setting(artifactsDestination, "STRIDE_ARTIFACTS_DESTINATION", "MLFLOW_ARTIFACTS_DESTINATION") ?? configuration.artifactsDestination
        configuration.defaultArtifactRoot = setting(defaultArtifactRoot, "STRIDE_DEFAULT_ARTIFACT_ROOT", "MLFLOW_DEFAULT_ARTIFACT_ROOT")
        configuration.serveArtifacts = serveArtifacts
        return configuration
    }
}
