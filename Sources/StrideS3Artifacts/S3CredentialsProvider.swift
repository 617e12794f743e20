import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The current signing keys of an ``S3CredentialSource``: fixed keys as given; temporary ones
/// (container or instance role) fetched when first needed, cached, and fetched again shortly before
/// they expire, one fetch at a time however many requests wait for it.
actor S3CredentialsProvider {
    let source: S3CredentialSource
    let http: HTTPClient
    /// How long before their expiry temporary keys are replaced; AWS publishes an instance role's
    /// next keys at least five minutes before the current ones expire.
    let refreshMarginSeconds: Double

    /// Budget for one metadata request: the services answer on the local network, or not at all.
    static let fetchTimeout: TimeAmount = .seconds(5)
    /// How long an IMDSv2 session token is asked to stay valid (a fresh one is taken per fetch).
    static let metadataTokenSeconds = 21_600

    private var cached: TemporaryCredentials?
    private var refreshing: Task<TemporaryCredentials, any Error>?

    init(source: S3CredentialSource, http: HTTPClient, refreshMarginSeconds: Double = 300) {
        self.source = source
        self.http = http
        self.refreshMarginSeconds = refreshMarginSeconds
    }

    /// Keys to sign a request with now.
    func current() async throws -> S3Credentials {
        if case .fixed(let credentials) = source { return credentials }
        if let cached, !cached.expires(within: refreshMarginSeconds) { return cached.credentials }
        let fetch = refreshing ?? Task { try await Self.fetch(source, http: http) }
        refreshing = fetch
        do {
            let fresh = try await fetch.value
            refreshing = nil
            cached = fresh
            return fresh.credentials
        } catch {
            refreshing = nil
            // Keys not yet expired still sign while the metadata service is away.
            if let cached, !cached.expires(within: 0) { return cached.credentials }
            throw error
        }
    }

    /// Keys and their expiry from `source`'s service.
    static func fetch(_ source: S3CredentialSource, http: HTTPClient) async throws -> TemporaryCredentials {
        switch source {
        case .fixed(let credentials):
            return TemporaryCredentials(credentials: credentials, expiration: nil)
        case .container(let url, let token, let tokenFile):
            var authorization = token
            if let tokenFile {
                do {
                    authorization = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                } catch {
                    throw S3CredentialsUnavailable(source: url, reason: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(tokenFile)")
                }
            }
            let document = try await get(url, http: http, headers: authorization.map { [("authorization", $0)] } ?? [])
            return try TemporaryCredentials(document: document, from: url)
        case .instanceMetadata(let endpoint):
            let token = try await get(
                endpoint + "/latest/api/token", method: .PUT, http: http,
                headers: [("x-aws-ec2-metadata-token-ttl-seconds", String(metadataTokenSeconds))])
            let session = [("x-aws-ec2-metadata-token", String(buffer: token))]
            let rolesURL = endpoint + "/latest/meta-data/iam/security-credentials/"
            let roles = String(buffer: try await get(rolesURL, http: http, headers: session))
            guard let role = roles.split(whereSeparator: \.isNewline).first.map({ $0.trimmingCharacters(in: .whitespaces) }), !role.isEmpty else {
                throw S3CredentialsUnavailable(source: rolesURL, reason: "the instance has no IAM role")
            }
            let document = try await get(rolesURL + role, http: http, headers: session)
            return try TemporaryCredentials(document: document, from: rolesURL + role)
        }
    }

    /// The body of a 200 answer from a metadata service.
    private static func get(
        _ url: String, method: HTTPMethod = .GET, http: HTTPClient, headers: [(String, String)]
    ) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await http.execute(request, timeout: fetchTimeout)
            body = try await response.body.collect(upTo: 64 * 1024)
        } catch {
            throw S3CredentialsUnavailable(source: url, reason: String(describing: error))
        }
        guard response.status == .ok else {
            throw S3CredentialsUnavailable(source: url, reason: "answered \(response.status.code)")
        }
        return body
    }
}

/// Keys with the moment they stop working (nil: never).
struct TemporaryCredentials: Sendable {
    var credentials: S3Credentials
    var expiration: Date?

    init(credentials: S3Credentials, expiration: Date?) {
        self.credentials = credentials
        self.expiration = expiration
    }

    /// The JSON both ECS and EC2 serve: `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration` (ISO 8601).
    init(document: ByteBuffer, from url: String) throws {
        struct Document: Decodable {
            var AccessKeyId: String
            var SecretAccessKey: String
            var Token: String?
            var Expiration: String?
        }
        guard let parsed = try? JSONDecoder().decode(Document.self, from: Data(document.readableBytesView)),
            !parsed.AccessKeyId.isEmpty, !parsed.SecretAccessKey.isEmpty
        else {
            throw S3CredentialsUnavailable(source: url, reason: "the answer holds no AccessKeyId and SecretAccessKey")
        }
        var expiration: Date?
        if let text = parsed.Expiration {
            let formatter = ISO8601DateFormatter()
            expiration = formatter.date(from: text)
            if expiration == nil {
                formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                expiration = formatter.date(from: text)
            }
            guard expiration != nil else { throw S3CredentialsUnavailable(source: url, reason: "unreadable Expiration '\(text)'") }
        }
        self.init(
            credentials: S3Credentials(accessKeyID: parsed.AccessKeyId, secretAccessKey: parsed.SecretAccessKey, sessionToken: parsed.Token),
            expiration: expiration)
    }

    /// Whether the keys expire less than `seconds` from now.
    func expires(within seconds: Double) -> Bool {
        guard let expiration else { return false }
        return expiration.timeIntervalSinceNow < seconds
    }
}

/// No keys could be had from a container or instance metadata service.
struct S3CredentialsUnavailable: Error, Sendable, CustomStringConvertible {
    var source: String
    var reason: String

    var description: String { "no S3 credentials from \(source): \(reason)" }
}
