import ArgumentParser
import Foundation
import Logging
import StrideServer
import StrideService

/// `--backend-store-uri` and `--create-store-dirs`, shared by `stride server` and the administration
/// commands: the same flags, environment variables and default, so all of them open the same database.
struct BackendStoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Where runs are stored: sqlite:///<relative path>, sqlite:////<absolute path> or postgresql://user@host:5432/database (default: sqlite:///stride-data/stride.db; also STRIDE_BACKEND_STORE_URI or MLFLOW_BACKEND_STORE_URI).",
        valueName: "uri"))
    var backendStoreURI: String?

    @Flag(help: "Create missing folders above the store and the artifact folder (default: off; only ./stride-data is created unasked, so a mistyped path is refused).")
    var createStoreDirs: Bool = false

    /// `configuration` with the store flags (or their environment variables) applied.
    func applied(to configuration: ServerConfiguration) -> ServerConfiguration {
        var configuration = configuration
        let environment = ProcessInfo.processInfo.environment
        let fromEnvironment = ["STRIDE_BACKEND_STORE_URI", "MLFLOW_BACKEND_STORE_URI"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        configuration.backendStoreURI = backendStoreURI ?? fromEnvironment ?? configuration.backendStoreURI
        configuration.createStoreDirectories = createStoreDirs
        return configuration
    }

    /// Runs `body` with the access services over the store; store log lines stay quiet, and a new
    /// store is announced on standard error (standard output may be a token being captured).
    func withServices<Result: Sendable>(_ body: (AccessService, ProjectService) async throws -> Result) async throws -> Result {
        var logger = Logger(label: "stride")
        logger.logLevel = .warning
        return try await AccessAdministration.withServices(applied(to: ServerConfiguration()), logger: logger, announce: Console.note, body)
    }
}

/// Lines for the person at the terminal, written at once (standard output is buffered when redirected).
enum Console {
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
