/// The keys an S3 request is signed with (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`).
public struct S3Credentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secretAccessKey: String
    /// Temporary credentials' token, sent as `x-amz-security-token`.
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// A bucket and the key prefix below which one Stride keeps its artifacts: `s3://bucket/prefix`.
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    public var bucket: String
    /// Empty, or key segments joined by `/` without leading or trailing slash.
    public var prefix: String

    /// Parses `s3://bucket` or `s3://bucket/some/prefix/`; nil for anything else.
    public init?(uri: String) {
        guard uri.hasPrefix("s3://") else { return nil }
        let rest = uri.dropFirst("s3://".count)
        let bucket = rest.prefix { $0 != "/" }
        guard Self.isValidBucketName(bucket) else { return nil }
        self.bucket = String(bucket)
        self.prefix = rest.dropFirst(bucket.count).split(separator: "/").joined(separator: "/")
    }

    public init(bucket: String, prefix: String = "") {
        self.bucket = bucket
        self.prefix = prefix.split(separator: "/").joined(separator: "/")
    }

    /// `s3://bucket/prefix` with no trailing slash, as artifact URIs below it start.
    public var description: String { prefix.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(prefix)" }

    /// S3's rules, loosely: 3 to 63 of lower-case letters, digits, `.` and `-`.
    static func isValidBucketName(_ name: Substring) -> Bool {
        (3...63).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            }
    }
}

/// How to reach the object store and what to ask of it.
public struct S3Configuration: Sendable, Equatable {
    /// Where the bucket lives.
    public var location: S3Location
    /// `MLFLOW_S3_ENDPOINT_URL`: `http(s)://host[:port]` of a MinIO, Ceph or other S3-compatible
    /// server; nil means AWS (`https://s3.<region>.amazonaws.com`).
    public var endpointURL: String?
    /// `AWS_REGION` / `AWS_DEFAULT_REGION`; signatures are scoped to it.
    public var region: String
    /// Where the signing keys come from (``S3CredentialSource/resolve(environment:)``).
    public var credentials: S3CredentialSource
    /// Buckets addressed as `endpoint/bucket/key` rather than `bucket.endpoint/key`; what MinIO-like
    /// servers need, and the default with a custom endpoint.
    public var pathStyle: Bool
    /// Server-side encryption asked for on every new object (`AES256` or `aws:kms`), and the KMS key.
    public var serverSideEncryption: ServerSideEncryption?
    /// Bodies are signed by their SHA-256 instead of sent as `UNSIGNED-PAYLOAD`, for servers that refuse
    /// unsigned payloads; each body (an object up to one part, or a part) is in memory already.
    public var signsPayloads = false
    /// How long a presigned part URL handed to a client stays valid.
    public var presignedURLExpirySeconds: Int = 3600
    /// How often a failed request is tried again, with backoff, before the store reports the bucket unavailable.
    public var maxRetries: Int = 3

    public init(
        location: S3Location, endpointURL: String? = nil, region: String = "us-east-1", credentials: S3CredentialSource,
        pathStyle: Bool? = nil, serverSideEncryption: ServerSideEncryption? = nil
    ) {
        self.location = location
        self.endpointURL = endpointURL.flatMap { $0.isEmpty ? nil : $0 }
        self.region = region
        self.credentials = credentials
        self.pathStyle = pathStyle ?? (self.endpointURL != nil)
        self.serverSideEncryption = serverSideEncryption
    }
}

/// `x-amz-server-side-encryption` (and the KMS key id) sent with every new object.
public struct ServerSideEncryption: Sendable, Equatable {
    public var algorithm: String
    public var kmsKeyID: String?

    public init(algorithm: String, kmsKeyID: String? = nil) {
        self.algorithm = algorithm
        self.kmsKeyID = kmsKeyID.flatMap { $0.isEmpty ? nil : $0 }
    }

    var headers: [(name: String, value: String)] {
        var headers = [("x-amz-server-side-encryption", algorithm)]
        if let kmsKeyID { headers.append(("x-amz-server-side-encryption-aws-kms-key-id", kmsKeyID)) }
        return headers
    }
}
