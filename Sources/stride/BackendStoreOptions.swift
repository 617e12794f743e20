import ArgumentParser
import Foundation
import Logging
import StrideServer
import StrideService

/// `--backend-store-uri` for the administration commands: the same flag, environment variables
/// and default as `stride server`, so both open the same database.
struct BackendStoreOptions: ParsableArguments {
    @Option(help: "The server's store: sqlite:///<relative path> or sqlite:////<absolute path> (default: sqlite:///stride-data/stride.db; also STRIDE_BACKEND_STORE_URI or MLFLOW_BACKEND_STORE_URI).")
    var backendStoreURI: String?

    var configuration: ServerConfiguration {
        var configuration = ServerConfiguration()
        let environment = ProcessInfo.processInfo.environment
        let fromEnvironment = ["STRIDE_BACKEND_STORE_URI", "MLFLOW_BACKEND_STORE_URI"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        configuration.backendStoreURI = backendStoreURI ?? fromEnvironment ?? configuration.backendStoreURI
        return configuration
    }

    /// Runs `body` with the access services over the store; store log lines stay quiet.
    func withServices<Result: Sendable>(_ body: (AccessService, ProjectService) async throws -> Result) async throws -> Result {
        var logger = Logger(label: "stride")
        logger.logLevel = .warning
        return try await AccessAdministration.withServices(configuration, logger: logger, body)
    }
}
