import Foundation

/// Everything `stride server` needs to start, after flags, environment and defaults are merged.
public struct ServerConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// `sqlite:///relative.db`, `sqlite:////absolute.db`, or a plain file path.
    public var backendStoreURI: String
    /// Where proxied artifacts are stored on disk: a folder path or a `file:` URI.
    public var artifactsDestination: String
    /// The root written into experiments' artifact locations; nil means `mlflow-artifacts:` when
    /// artifacts are served, the destination itself otherwise.
    public var defaultArtifactRoot: String?
    public var serveArtifacts: Bool
    /// `--auth`: every API call needs an access token (`stride token create`); off for a laptop.
    public var authEnabled: Bool
    /// `--allowed-hosts`: Host header patterns answered besides loopback names (``AllowedHosts``).
    public var allowedHosts: [String] = []

    public static let defaultDataDirectory = "stride-data"

    public init(
        host: String = "127.0.0.1", port: Int = 5000,
        backendStoreURI: String = "sqlite:///\(defaultDataDirectory)/stride.db",
        artifactsDestination: String = "\(defaultDataDirectory)/artifacts",
        defaultArtifactRoot: String? = nil, serveArtifacts: Bool = true, authEnabled: Bool = false
    ) {
        self.authEnabled = authEnabled
        self.host = host
        self.port = port
        self.backendStoreURI = backendStoreURI
        self.artifactsDestination = artifactsDestination
        self.defaultArtifactRoot = defaultArtifactRoot
        self.serveArtifacts = serveArtifacts
    }

    /// The artifact root experiments get: MLflow's proxied scheme unless told otherwise.
    public var effectiveArtifactRoot: String {
        if let defaultArtifactRoot, !defaultArtifactRoot.isEmpty { return defaultArtifactRoot }
        if serveArtifacts { return "mlflow-artifacts:" }
        let directory = (try? artifactsDestinationDirectory()) ?? artifactsDestination
        return URL(fileURLWithPath: directory).standardizedFileURL.absoluteString
    }

    /// The absolute folder `--artifacts-destination` names, whether given as a path or a `file:` URI.
    public func artifactsDestinationDirectory() throws -> String {
        let text = artifactsDestination
        let unsupported = UnsupportedURI(
            flag: "--artifacts-destination", uri: text, advice: "use a folder path or a file: URI (S3-compatible storage is planned).")
        if text.hasPrefix("file:") {
            guard let url = URL(string: text), url.isFileURL else { throw unsupported }
            return url.standardizedFileURL.path
        }
        if text.contains("://") { throw unsupported }
        return URL(fileURLWithPath: text).standardizedFileURL.path
    }

    /// The backend a store URI names.
    public enum Backend: Equatable, Sendable {
        case sqlite(path: String)
    }

    /// A storage URI whose scheme Stride does not support (yet).
    public struct UnsupportedURI: Error, CustomStringConvertible {
        public var flag: String
        public var uri: String
        public var advice: String
        public var description: String { "Unsupported \(flag) '\(uri)': \(advice)" }
    }

    /// Reads `--backend-store-uri` with SQLAlchemy's convention: `sqlite:///x` is relative,
    /// `sqlite:////x` absolute.
    public func backend() throws -> Backend {
        let uri = backendStoreURI
        if uri.hasPrefix("sqlite:///") {
            return .sqlite(path: String(uri.dropFirst("sqlite:///".count)))
        }
        if uri.contains("://") {
            throw UnsupportedURI(
                flag: "--backend-store-uri", uri: uri, advice: "use sqlite:///<path> (PostgreSQL support is planned).")
        }
        return .sqlite(path: uri)
    }
}
