import ArgumentParser
import Foundation
import StrideS3Artifacts
import StrideServer

/// `stride server`'s S3 flags; each falls back to the environment MLflow's S3 store reads.
struct S3Options: ParsableArguments {
    @Option(help: "An S3-compatible server (MinIO, Ceph, ...) for s3:// artifact locations (also MLFLOW_S3_ENDPOINT_URL; default: AWS).")
    var s3EndpointURL: String?

    @Option(help: "The bucket's region (also AWS_REGION, AWS_DEFAULT_REGION; default: us-east-1).")
    var s3Region: String?

    @Option(help: "path (endpoint/bucket/key, the default with --s3-endpoint-url) or virtual (bucket.endpoint/key). Also STRIDE_S3_ADDRESSING_STYLE.")
    var s3AddressingStyle: String?

    @Option(help: "Server-side encryption for new objects: AES256 or aws:kms (also MLFLOW_S3_UPLOAD_EXTRA_ARGS' ServerSideEncryption).")
    var s3ServerSideEncryption: String?

    @Option(help: "The KMS key for aws:kms (also MLFLOW_S3_UPLOAD_EXTRA_ARGS' SSEKMSKeyId).")
    var s3SseKmsKeyId: String?

    @Flag(help: "Send multipart upload parts through this server instead of handing clients presigned URLs to the bucket (for buckets clients cannot reach). Also STRIDE_S3_PROXY_MULTIPART_PARTS=true.")
    var s3ProxyMultipartParts: Bool = false

    @Flag(help: "Sign request bodies by their SHA-256 instead of sending UNSIGNED-PAYLOAD, for S3-compatible servers that refuse unsigned payloads. Also STRIDE_S3_SIGN_PAYLOADS=true.")
    var s3SignPayloads: Bool = false

    /// The settings from these flags, then the environment; credentials come from the environment,
    /// a profile of the shared credentials file, or the container's or instance's role.
    func settings(environment: [String: String]) throws -> S3Settings {
        func value(_ names: String...) -> String? { names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty } }
        var settings = S3Settings()
        settings.endpointURL = s3EndpointURL ?? value("MLFLOW_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
        settings.region = s3Region ?? value("AWS_REGION", "AWS_DEFAULT_REGION") ?? settings.region
        settings.credentials = S3CredentialSource.resolve(environment: environment)
        switch (s3AddressingStyle ?? value("STRIDE_S3_ADDRESSING_STYLE"))?.lowercased() {
        case nil, "auto": settings.pathStyle = nil
        case "path": settings.pathStyle = true
        case "virtual": settings.pathStyle = false
        case let other?: throw ValidationError("Invalid --s3-addressing-style '\(other)': use path or virtual.")
        }
        let extra = try Self.uploadExtraArguments(value("MLFLOW_S3_UPLOAD_EXTRA_ARGS"))
        settings.serverSideEncryption = s3ServerSideEncryption ?? extra["ServerSideEncryption"]
        settings.kmsKeyID = s3SseKmsKeyId ?? extra["SSEKMSKeyId"]
        if let algorithm = settings.serverSideEncryption, !["AES256", "aws:kms"].contains(algorithm) {
            throw ValidationError("Invalid server-side encryption '\(algorithm)': use AES256 or aws:kms.")
        }
        settings.proxyMultipartParts = s3ProxyMultipartParts || ["1", "true", "yes"].contains(value("STRIDE_S3_PROXY_MULTIPART_PARTS")?.lowercased() ?? "")
        settings.signPayloads = s3SignPayloads || ["1", "true", "yes"].contains(value("STRIDE_S3_SIGN_PAYLOADS")?.lowercased() ?? "")
        return settings
    }

    /// `MLFLOW_S3_UPLOAD_EXTRA_ARGS`, a JSON object of boto3 upload arguments; the string ones are kept.
    static func uploadExtraArguments(_ text: String?) throws -> [String: String] {
        guard let text else { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw ValidationError("MLFLOW_S3_UPLOAD_EXTRA_ARGS is not a JSON object: \(text)")
        }
        return object.compactMapValues { $0 as? String }
    }
}
