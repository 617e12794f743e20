import Foundation

/// Where the keys that sign S3 requests come from, found as the AWS SDKs (and so MLflow's boto3) find them.
public enum S3CredentialSource: Sendable, Equatable {
    /// Keys given outright: the environment, or a profile of the shared credentials file.
    case fixed(S3Credentials)
    /// ECS / EKS container credentials: a JSON document at `url`, fetched with `Authorization` when
    /// a token (or a file holding it, read on every fetch) is given.
    case container(url: String, authorizationToken: String?, authorizationTokenFile: String?)
    /// EC2 instance metadata (IMDSv2): a session token, the instance role's name, then its keys.
    case instanceMetadata(endpoint: String)

    /// Where ECS serves `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`.
    static let containerHost = "http://169.254.170.2"
    /// EC2's instance metadata service.
    static let instanceMetadataEndpoint = "http://169.254.169.254"

    /// The SDKs' chain over `environment`: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`; else the
    /// profile `AWS_PROFILE` (or `default`) of `AWS_SHARED_CREDENTIALS_FILE` (or `~/.aws/credentials`);
    /// else container credentials (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `_FULL_URI`); else the
    /// instance role, unless `AWS_EC2_METADATA_DISABLED=true` (then empty keys, which S3 refuses by name).
    public static func resolve(environment: [String: String]) -> S3CredentialSource {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let accessKeyID = value("AWS_ACCESS_KEY_ID"), let secretAccessKey = value("AWS_SECRET_ACCESS_KEY") {
            return .fixed(S3Credentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: value("AWS_SESSION_TOKEN")))
        }
        let credentialsFile = value("AWS_SHARED_CREDENTIALS_FILE") ?? value("HOME").map { $0 + "/.aws/credentials" }
        if let credentialsFile, let text = try? String(contentsOfFile: credentialsFile, encoding: .utf8),
            let keys = Self.profile(value("AWS_PROFILE") ?? "default", in: text)
        {
            return .fixed(keys)
        }
        let token = value("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        let tokenFile = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return .container(url: containerHost + relative, authorizationToken: token, authorizationTokenFile: tokenFile)
        }
        if let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            return .container(url: full, authorizationToken: token, authorizationTokenFile: tokenFile)
        }
        if value("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" {
            return .fixed(S3Credentials(accessKeyID: "", secretAccessKey: ""))
        }
        return .instanceMetadata(endpoint: value("AWS_EC2_METADATA_SERVICE_ENDPOINT") ?? instanceMetadataEndpoint)
    }

    /// The keys of `[name]` in a shared credentials file (INI: `aws_access_key_id = ...`); nil when
    /// the profile is missing or lacks a key.
    static func profile(_ name: String, in text: String) -> S3Credentials? {
        var section: String?
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                continue
            }
            guard section == name, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            values[key] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        guard let accessKeyID = values["aws_access_key_id"], let secretAccessKey = values["aws_secret_access_key"],
            !accessKeyID.isEmpty, !secretAccessKey.isEmpty
        else { return nil }
        return S3Credentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: values["aws_session_token"])
    }
}
