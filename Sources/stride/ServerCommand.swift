import ArgumentParser
import Foundation
import Logging
import StrideServer

/// `stride server`: flags mirror `mlflow server`; each also reads a STRIDE_* or MLflow environment variable.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the tracking server.",
        discussion: """
            Every flag can also be set in the environment: STRIDE_HOST (or MLFLOW_HOST), STRIDE_PORT \
            (MLFLOW_PORT), STRIDE_BACKEND_STORE_URI (MLFLOW_BACKEND_STORE_URI), \
            STRIDE_DEFAULT_ARTIFACT_ROOT (MLFLOW_DEFAULT_ARTIFACT_ROOT), STRIDE_ARTIFACTS_DESTINATION \
            (MLFLOW_ARTIFACTS_DESTINATION), STRIDE_LOG_LEVEL. A flag wins over the environment.
            """)

    @Option(help: "The address to listen on. Use 0.0.0.0 to accept connections from other machines.")
    var host: String?

    @Option(help: "The port to listen on (default 5000).")
    var port: Int?

    @Option(help: "Where runs are stored: sqlite:///<relative path> or sqlite:////<absolute path> (default: sqlite:///stride-data/stride.db).")
    var backendStoreURI: String?

    @Option(help: "The artifact root new experiments get (default: mlflow-artifacts:, served by this server).")
    var defaultArtifactRoot: String?

    @Option(help: "The folder (or file: URI) where served artifacts are stored (default: ./stride-data/artifacts).")
    var artifactsDestination: String?

    @Flag(inversion: .prefixedNo, help: "Serve artifacts through this server as mlflow-artifacts:/ URIs (default: on). With --no-serve-artifacts, new experiments get the destination's file: URI and clients write there directly.")
    var serveArtifacts: Bool = true

    @Flag(help: "Require an access token on every API call (create one with `stride token create`). Also STRIDE_AUTH=true.")
    var auth: Bool = false

    @Option(help: "Comma-separated Host headers to answer besides localhost, 127.x.x.x and [::1] (any port), as MLflow's --allowed-hosts: 'host:port', or a pattern with * ('*.example.com:*'); '*' allows any. Also STRIDE_ALLOWED_HOSTS (MLFLOW_SERVER_ALLOWED_HOSTS).")
    var allowedHosts: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical (default: info).")
    var logLevel: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        func setting(_ flag: String?, _ names: String...) -> String? {
            flag ?? names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        }
        var configuration = ServerConfiguration()
        configuration.host = setting(host, "STRIDE_HOST", "MLFLOW_HOST") ?? configuration.host
        if let portText = setting(port.map(String.init), "STRIDE_PORT", "MLFLOW_PORT") {
            guard let value = Int(portText), (0...65535).contains(value) else {
                throw ValidationError("Invalid port '\(portText)'.")
            }
            configuration.port = value
        }
        configuration.backendStoreURI =
            setting(backendStoreURI, "STRIDE_BACKEND_STORE_URI", "MLFLOW_BACKEND_STORE_URI") ?? configuration.backendStoreURI
        configuration.artifactsDestination =
            setting(artifactsDestination, "STRIDE_ARTIFACTS_DESTINATION", "MLFLOW_ARTIFACTS_DESTINATION")
            ?? configuration.artifactsDestination
        configuration.defaultArtifactRoot = setting(defaultArtifactRoot, "STRIDE_DEFAULT_ARTIFACT_ROOT", "MLFLOW_DEFAULT_ARTIFACT_ROOT")
        configuration.serveArtifacts = serveArtifacts
        configuration.allowedHosts = AllowedHosts.parseList(setting(allowedHosts, "STRIDE_ALLOWED_HOSTS", "MLFLOW_SERVER_ALLOWED_HOSTS") ?? "")
        configuration.authEnabled = auth || ["1", "true", "yes"].contains(environment["STRIDE_AUTH"]?.lowercased() ?? "")

        let levelName = setting(logLevel, "STRIDE_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelName.lowercased()) else {
            throw ValidationError("Invalid log level '\(levelName)'.")
        }
        var logger = Logger(label: "stride")
        logger.logLevel = level

        do {
            _ = try configuration.backend()
            _ = try configuration.artifactsDestinationDirectory()
        } catch {
            throw ValidationError(String(describing: error))
        }
        let built = try await StrideApplication.build(configuration, logger: logger)
        logger.info(
            "Stride listening on http://\(configuration.host):\(configuration.port) (store: \(configuration.backendStoreURI), auth: \(configuration.authEnabled ? "on" : "off"))")
        try await built.run()
        logger.info("Stride stopped")
    }
}
