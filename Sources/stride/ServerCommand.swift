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
            (MLFLOW_ARTIFACTS_DESTINATION), STRIDE_LOG_LEVEL, STRIDE_LOG_FORMAT. A flag wins over the environment.
            GET /metrics serves Prometheus metrics (a reader token when auth is on); GET /health answers while \
            the process runs, GET /health/ready once the store answers too.
            """)

    @Option(help: "The address to listen on (default: 127.0.0.1, this machine only). Use 0.0.0.0 to accept connections from other machines.")
    var host: String?

    @Option(help: "The port to listen on (default: 5000).")
    var port: Int?

    @OptionGroup var store: BackendStoreOptions

    @OptionGroup var artifactStore: ArtifactStoreOptions

    @OptionGroup(title: "S3-compatible artifact storage") var s3: S3Options

    @Flag(help: "Require an access token on every API call (create one with `stride token create`). Also STRIDE_AUTH=true (default: off).")
    var auth: Bool = false

    @Option(help: "Close a keep-alive connection idle this long (default 60s; also STRIDE_IDLE_TIMEOUT). Units: ms, s, m.")
    var idleTimeout: String?

    @Option(help: "Close a connection whose request URL and headers take longer than this (default 10s; STRIDE_REQUEST_HEAD_TIMEOUT).")
    var requestHeadTimeout: String?

    @Option(help: "Close a connection whose request body makes no progress for this long (default 60s; STRIDE_BODY_TIMEOUT).")
    var bodyTimeout: String?

    @Option(help: "Connections served at once; more wait to be accepted (default 512; STRIDE_MAX_CONNECTIONS).")
    var maxConnections: Int?

    @Option(help: "How long a write waits for a database locked by another process before a 503 (default 10s; STRIDE_DATABASE_BUSY_TIMEOUT).")
    var databaseBusyTimeout: String?

    @Option(help: "Comma-separated Host headers to answer besides localhost, 127.x.x.x and [::1] (any port), as MLflow's --allowed-hosts: 'host:port', or a pattern with * ('*.example.com:*'); '*' allows any. Also STRIDE_ALLOWED_HOSTS (MLFLOW_SERVER_ALLOWED_HOSTS).")
    var allowedHosts: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical (default: info).")
    var logLevel: String?

    @Option(help: "Log lines as text or json: one JSON object per line with a request_id on a request's lines (default: text; also STRIDE_LOG_FORMAT).")
    var logFormat: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        func setting(_ flag: String?, _ names: String...) -> String? {
            flag ?? names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        }
        var configuration = artifactStore.applied(to: store.applied(to: ServerConfiguration()))
        configuration.host = setting(host, "STRIDE_HOST", "MLFLOW_HOST") ?? configuration.host
        if let portText = setting(port.map(String.init), "STRIDE_PORT", "MLFLOW_PORT") {
            guard let value = Int(portText), (0...65535).contains(value) else {
                throw ValidationError("Invalid port '\(portText)'.")
            }
            configuration.port = value
        }
        configuration = artifactStore.applied(to: configuration)
        configuration.s3 = try s3.settings(environment: environment)
        configuration.allowedHosts = AllowedHosts.parseList(setting(allowedHosts, "STRIDE_ALLOWED_HOSTS", "MLFLOW_SERVER_ALLOWED_HOSTS") ?? "")
        configuration.authEnabled = auth || ["1", "true", "yes"].contains(environment["STRIDE_AUTH"]?.lowercased() ?? "")

        func duration(_ flag: String?, _ name: String, _ variable: String) throws -> Duration? {
            guard let text = setting(flag, variable) else { return nil }
            guard let value = ServerConfiguration.duration(text) else { throw ValidationError("Invalid --\(name) '\(text)': use e.g. 500ms, 10s or 2m.") }
            return value
        }
        var timeouts = configuration.connectionTimeouts
        timeouts.idle = try duration(idleTimeout, "idle-timeout", "STRIDE_IDLE_TIMEOUT") ?? timeouts.idle
        timeouts.requestHead = try duration(requestHeadTimeout, "request-head-timeout", "STRIDE_REQUEST_HEAD_TIMEOUT") ?? timeouts.requestHead
        timeouts.bodyProgress = try duration(bodyTimeout, "body-timeout", "STRIDE_BODY_TIMEOUT") ?? timeouts.bodyProgress
        configuration.connectionTimeouts = timeouts
        configuration.databaseBusyTimeout =
            try duration(databaseBusyTimeout, "database-busy-timeout", "STRIDE_DATABASE_BUSY_TIMEOUT") ?? configuration.databaseBusyTimeout
        if let text = setting(maxConnections.map(String.init), "STRIDE_MAX_CONNECTIONS") {
            guard let value = Int(text), value > 0 else { throw ValidationError("Invalid --max-connections '\(text)'.") }
            configuration.maxConnections = value
        }

        let levelName = setting(logLevel, "STRIDE_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelName.lowercased()) else {
            throw ValidationError("Invalid log level '\(levelName)'.")
        }
        let format = setting(logFormat, "STRIDE_LOG_FORMAT") ?? "text"
        var logger: Logger
        switch format.lowercased() {
        case "text": logger = Logger(label: "stride") { TextLogHandler(label: $0) }
        case "json": logger = Logger(label: "stride") { JSONLogHandler(label: $0) }
        default: throw ValidationError("Invalid --log-format '\(format)': use text or json.")
        }
        logger.logLevel = level

        try await ServerStartup.serve(configuration, logger: logger, announce: Console.say)
        Console.say("Stride stopped.")
    }
}
