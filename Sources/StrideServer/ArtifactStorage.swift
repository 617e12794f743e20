public import StrideS3Artifacts

/// Where artifact bytes live, as the configuration names them.
public enum ArtifactStorage: Sendable, Equatable {
    /// A folder on this machine (`--artifacts-destination ./path` or a `file:` URI).
    case local
    /// A bucket and prefix: `--artifacts-destination s3://...`, or, with `--no-serve-artifacts`,
    /// `--default-artifact-root s3://...` (clients write there; Stride reads it for the UI).
    case s3(S3Location)
}

/// How to reach an S3-compatible bucket: the settings MLflow users already have in their environment
/// (`AWS_*`, `MLFLOW_S3_ENDPOINT_URL`, `MLFLOW_S3_UPLOAD_EXTRA_ARGS`), or the `--s3-*` flags.
public struct S3Settings: Sendable, Equatable {
    /// `MLFLOW_S3_ENDPOINT_URL`: a MinIO, Ceph or other S3-compatible server; nil means AWS.
    public var endpointURL: String?
    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1`.
    public var region = "us-east-1"
    /// The keys, or the container or instance-role service that hands them out.
    public var credentials = S3CredentialSource.fixed(S3Credentials(accessKeyID: "", secretAccessKey: ""))
    /// nil: path-style with a custom endpoint (what MinIO-like servers need), virtual-hosted on AWS.
    public var pathStyle: Bool?
    /// `AES256` or `aws:kms` on every new object, and the KMS key.
    public var serverSideEncryption: String?
    public var kmsKeyID: String?
    /// `--s3-proxy-multipart-parts`: multipart parts go through Stride instead of straight to the bucket
    /// (for buckets that clients cannot reach).
    public var proxyMultipartParts = false
    /// `--s3-sign-payloads`: bodies signed by their SHA-256, for servers that refuse `UNSIGNED-PAYLOAD`.
    public var signPayloads = false

    public init() {}

    /// The client configuration for `location`.
    public func clientConfiguration(for location: S3Location) -> S3Configuration {
        var configuration = S3Configuration(
            location: location, endpointURL: endpointURL, region: region,
            credentials: credentials,
            pathStyle: pathStyle,
            serverSideEncryption: serverSideEncryption.map { ServerSideEncryption(algorithm: $0, kmsKeyID: kmsKeyID) })
        configuration.signsPayloads = signPayloads
        return configuration
    }
}

extension ServerConfiguration {
    /// Local disk unless the destination (or, when clients write artifacts themselves, the default
    /// artifact root) is an `s3://` URI; any other URI scheme is refused.
    public func artifactStorage() throws(StartupFailure) -> ArtifactStorage {
        if artifactsDestination.hasPrefix("s3://") {
            return .s3(try Self.s3Location(artifactsDestination, flag: "--artifacts-destination"))
        }
        if !serveArtifacts, let root = defaultArtifactRoot, root.hasPrefix("s3://") {
            return .s3(try Self.s3Location(root, flag: "--default-artifact-root"))
        }
        return .local
    }

    private static func s3Location(_ uri: String, flag: String) throws(StartupFailure) -> S3Location {
        guard let location = S3Location(uri: uri) else {
            throw StartupFailure("\(flag) '\(uri)' is not s3://bucket[/prefix] with a valid bucket name (3 to 63 of a-z, 0-9, '.', '-').")
        }
        return location
    }
}
