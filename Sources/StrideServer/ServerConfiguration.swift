import Foundation
public import StridePostgres

/// Everything `stride server` needs to start, after flags, environment and defaults are merged.
public struct ServerConfiguration: Sendable, Equatable {
    // MARK: Listening

    public var host: String
    public var port: Int
    /// `--auth`: every API call needs an access token (`stride token create`); off for a laptop.
    public var authEnabled: Bool

    // MARK: Storage

    /// `sqlite:///relative.db`, `sqlite:////absolute.db` or `postgresql://user@host:5432/database`.
    public var backendStoreURI: String
    /// Where proxied artifacts are stored on disk: a folder path or a `file:` URI.
    public var artifactsDestination: String
    /// The root written into experiments' artifact locations; nil means `mlflow-artifacts:` when
    /// artifacts are served, the destination itself otherwise.
    public var defaultArtifactRoot: String?
    public var serveArtifacts: Bool
    /// How to reach the bucket when artifacts live in S3 (``ArtifactStorage``).
    public var s3 = S3Settings()
    /// `--allowed-hosts`: Host header patterns answered besides loopback names (``AllowedHosts``).
    public var allowedHosts: [String] = []

    // MARK: Connections and the database lock

    /// `--idle-timeout`, `--request-head-timeout`, `--body-timeout`: when a slow or silent connection is closed.
    public var connectionTimeouts = ConnectionTimeouts()
    /// `--max-connections`: connections served at once; more wait in the listen backlog.
    public var maxConnections = 512
    /// `--database-busy-timeout`: how long a write waits for another process's lock before a 503.
    public var databaseBusyTimeout: Duration = .seconds(10)

    /// `--create-store-dirs`: create missing folders above the store and the artifact folder. Without
    /// it only the default data folder is created, so a mistyped path is refused, not silently made.
    public var createStoreDirectories: Bool

    /// The embedded default's folder, relative to the working directory.
    public static let defaultDataDirectory = "stride-data"

    public init(
        host: String = "127.0.0.1", port: Int = 5000,
        backendStoreURI: String = "sqlite:///\(defaultDataDirectory)/stride.db",
        artifactsDestination: String = "\(defaultDataDirectory)/artifacts",
        defaultArtifactRoot: String? = nil, serveArtifacts: Bool = true, authEnabled: Bool = false,
        createStoreDirectories: Bool = false
    ) {
        self.authEnabled = authEnabled
        self.host = host
        self.port = port
        self.backendStoreURI = backendStoreURI
        self.artifactsDestination = artifactsDestination
        self.defaultArtifactRoot = defaultArtifactRoot
        self.serveArtifacts = serveArtifacts
        self.createStoreDirectories = createStoreDirectories
    }

    /// The artifact root experiments get: MLflow's proxied scheme unless told otherwise.
    public var effectiveArtifactRoot: String {
        if let defaultArtifactRoot, !defaultArtifactRoot.isEmpty { return defaultArtifactRoot }
        if serveArtifacts { return "mlflow-artifacts:" }
        if artifactsDestination.hasPrefix("s3://") { return artifactsDestination }
        let directory = (try? artifactsDestinationDirectory()) ?? artifactsDestination
        return URL(fileURLWithPath: directory).standardizedFileURL.absoluteString
    }

    /// The absolute folder `--artifacts-destination` names, whether given as a path or a `file:` URI;
    /// a relative path is read from `workingDirectory` (default: the process's).
    public func artifactsDestinationDirectory(workingDirectory: String? = nil) throws(StartupFailure) -> String {
        let text = artifactsDestination
        let unsupported = StartupFailure(
            "Unsupported --artifacts-destination '\(text)': use a folder path, a file: URI or s3://bucket/prefix.")
        if text.hasPrefix("file:") {
            guard let url = URL(string: text), url.isFileURL else { throw unsupported }
            return url.standardizedFileURL.path
        }
        if text.contains("://") { throw unsupported }
        let base = workingDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
        return URL(fileURLWithPath: text, relativeTo: base).standardizedFileURL.path
    }

    /// The busy timeout as SQLite takes it.
    var databaseBusyTimeoutSeconds: Double {
        let (seconds, attoseconds) = databaseBusyTimeout.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Reads a duration flag: `500ms`, `10s`, `2m`, or a plain number of seconds.
    public static func duration(_ text: String) -> Duration? {
        let units: [(suffix: String, nanoseconds: Double)] = [("ms", 1e6), ("s", 1e9), ("m", 60e9), ("", 1e9)]
        guard let unit = units.first(where: { text.hasSuffix($0.suffix) }),
            let number = Double(text.dropLast(unit.suffix.count)), number > 0, number * unit.nanoseconds < 1e15
        else { return nil }
        return .nanoseconds(Int64(number * unit.nanoseconds))
    }

    /// The backend a store URI names.
    public enum Backend: Equatable, Sendable {
        /// An SQLite file, its path as written (relative paths are relative to the working directory).
        case sqlite(path: String)
        /// A PostgreSQL database (`postgresql://`, `postgres://` or `postgresql+psycopg2://`).
        case postgres(PostgresSettings)
    }

    /// Reads `--backend-store-uri` with SQLAlchemy's convention: `sqlite:///x` is relative,
    /// `sqlite:////x` absolute. A plain path or `file:` URI is what MLflow reads as a file store,
    /// so it is refused with the SQLite URI that would do what the user most likely meant.
    public func backend() throws(StartupFailure) -> Backend {
        let uri = backendStoreURI
        if uri.hasPrefix("sqlite:///") {
            let path = String(uri.dropFirst("sqlite:///".count))
            guard !path.isEmpty else {
                throw StartupFailure("--backend-store-uri 'sqlite:///' names no file: use e.g. sqlite:///stride-data/stride.db.")
            }
            return .sqlite(path: path)
        }
        if PostgresSettings.names(uri) {
            do {
                return .postgres(try PostgresSettings(uri: uri))
            } catch {
                throw StartupFailure("--backend-store-uri: \(error.description)")
            }
        }
        if uri.hasPrefix("file:") || !uri.contains("://") {
            throw StartupFailure(
                "--backend-store-uri '\(uri)' is a path, which MLflow would use as a file store (folders of YAML files); "
                    + "Stride keeps its store in one SQLite file and cannot read MLflow's file store: use \(Self.sqliteURI(suggestedFor: uri)).")
        }
        throw StartupFailure("Unsupported --backend-store-uri '\(uri)': use sqlite:///<path> or postgresql://user@host:5432/database.")
    }

    /// The SQLite URI closest to a plain path or `file:` URI: `./mlruns` becomes `sqlite:///mlruns.db`.
    static func sqliteURI(suggestedFor path: String) -> String {
        var path = path.hasPrefix("file:") ? (URL(string: path)?.path ?? String(path.dropFirst("file:".count))) : path
        while path.hasPrefix("./") { path.removeFirst(2) }
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        switch path {
        case "", ".": path = "stride.db"
        case "/": path = "/stride.db"
        default: break
        }
        let isSQLiteName = [".db", ".sqlite", ".sqlite3"].contains { path.hasSuffix($0) }
        return "sqlite:///" + (isSQLiteName ? path : path + ".db")
    }
}
