import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import StrideS3Artifacts

@Suite("S3 credentials come from the environment, a profile, the container or the instance role, cached until shortly before expiry")
struct S3CredentialsTests {
    @Test("the environment's keys come first, then the profile of the shared credentials file, then container, then instance metadata")
    func resolutionOrder() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stride-credentials-\(UUID().uuidString)").path
        try """
            [default]
            aws_access_key_id = DEFAULTKEY
            aws_secret_access_key = defaultsecret
            # a comment
            [ci]
            aws_access_key_id=CIKEY
            aws_secret_access_key=cisecret
            aws_session_token = citoken
            """.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }

        #expect(
            S3CredentialSource.resolve(environment: ["AWS_ACCESS_KEY_ID": "K", "AWS_SECRET_ACCESS_KEY": "S", "AWS_SESSION_TOKEN": "T", "AWS_SHARED_CREDENTIALS_FILE": file])
                == .fixed(S3Credentials(accessKeyID: "K", secretAccessKey: "S", sessionToken: "T")))
        #expect(
            S3CredentialSource.resolve(environment: ["AWS_SHARED_CREDENTIALS_FILE": file])
                == .fixed(S3Credentials(accessKeyID: "DEFAULTKEY", secretAccessKey: "defaultsecret")))
        #expect(
            S3CredentialSource.resolve(environment: ["AWS_SHARED_CREDENTIALS_FILE": file, "AWS_PROFILE": "ci"])
                == .fixed(S3Credentials(accessKeyID: "CIKEY", secretAccessKey: "cisecret", sessionToken: "citoken")))
        let noFile = "/nonexistent/credentials"
        #expect(
            S3CredentialSource.resolve(environment: ["AWS_SHARED_CREDENTIALS_FILE": noFile, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"])
                == .container(url: "http://169.254.170.2/v2/credentials/abc", authorizationToken: nil, authorizationTokenFile: nil))
        #expect(
            S3CredentialSource.resolve(environment: [
                "AWS_SHARED_CREDENTIALS_FILE": noFile, "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:8080/creds",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tok",
            ]) == .container(url: "http://127.0.0.1:8080/creds", authorizationToken: "tok", authorizationTokenFile: nil))
        #expect(S3CredentialSource.resolve(environment: ["AWS_SHARED_CREDENTIALS_FILE": noFile]) == .instanceMetadata(endpoint: "http://169.254.169.254"))
        #expect(
            S3CredentialSource.resolve(environment: ["AWS_SHARED_CREDENTIALS_FILE": noFile, "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338"])
                == .instanceMetadata(endpoint: "http://127.0.0.1:1338"))
        #expect(
            S3CredentialSource.resolve(environment: ["AWS_SHARED_CREDENTIALS_FILE": noFile, "AWS_EC2_METADATA_DISABLED": "true"])
                == .fixed(S3Credentials(accessKeyID: "", secretAccessKey: "")))
    }

    @Test("IMDSv2: a session token, the role, its keys; the keys sign S3 requests and are fetched once while valid")
    func instanceRole() async throws {
        let metadata = try await fakeInstanceMetadata(expiresIn: 3_600)
        let s3 = try await ScriptedHTTPServer { _, _ in .init(status: 200, body: "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>") }
        try await withClient(endpoint: s3.url, credentials: .instanceMetadata(endpoint: metadata.url)) { client in
            _ = try await client.listObjects(prefix: "", delimiter: "/")
            _ = try await client.listObjects(prefix: "", delimiter: "/")
        }
        #expect(metadata.requests.map { "\($0.method) \($0.uri)" } == [
            "PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/", "GET /latest/meta-data/iam/security-credentials/stride-role",
        ])
        #expect(metadata.requests[0].header("x-aws-ec2-metadata-token-ttl-seconds") == "21600")
        #expect(s3.requests.count == 2)
        for request in s3.requests {
            #expect(request.header("authorization")?.contains("Credential=ROLEKEY1/") == true)
            #expect(request.header("x-amz-security-token") == "role-token-1")
        }
        try await metadata.stop()
        try await s3.stop()
    }

    @Test("keys within five minutes of expiry are fetched again; while the service is away, unexpired keys still sign")
    func refreshBeforeExpiry() async throws {
        let metadata = try await fakeInstanceMetadata(expiresIn: 240, fetchesServed: 2)
        let http = S3Client.makeHTTPClient()
        let provider = S3CredentialsProvider(source: .instanceMetadata(endpoint: metadata.url), http: http)
        #expect(try await provider.current().accessKeyID == "ROLEKEY1")
        #expect(try await provider.current().accessKeyID == "ROLEKEY2")
        #expect(try await provider.current().accessKeyID == "ROLEKEY2")
        #expect(metadata.requests.filter { $0.uri.hasSuffix("/stride-role") }.count == 3)
        try await http.shutdown()
        try await metadata.stop()
    }

    @Test("container credentials are fetched with the authorization token, from the variable or its file")
    func containerCredentials() async throws {
        let expiration = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3_600))
        let server = try await ScriptedHTTPServer { _, request in
            guard request.uri == "/v2/credentials/task", request.header("authorization") == "secret-token" else { return .init(status: 401) }
            return .init(status: 200, body: #"{"AccessKeyId":"TASKKEY","SecretAccessKey":"tasksecret","Token":"task-token","Expiration":"\#(expiration)"}"#)
        }
        let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("stride-token-\(UUID().uuidString)").path
        try "secret-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: tokenFile) }
        let http = S3Client.makeHTTPClient()
        let url = server.url + "/v2/credentials/task"
        let expected = S3Credentials(accessKeyID: "TASKKEY", secretAccessKey: "tasksecret", sessionToken: "task-token")
        #expect(try await S3CredentialsProvider(source: .container(url: url, authorizationToken: "secret-token", authorizationTokenFile: nil), http: http).current() == expected)
        #expect(try await S3CredentialsProvider(source: .container(url: url, authorizationToken: nil, authorizationTokenFile: tokenFile), http: http).current() == expected)
        await #expect {
            try await S3CredentialsProvider(source: .container(url: url, authorizationToken: "wrong", authorizationTokenFile: nil), http: http).current()
        } throws: { "\($0)" == "no S3 credentials from \(url): answered 401" }
        try await http.shutdown()
        try await server.stop()
    }
}

/// An IMDSv2 service whose role keys expire `expiresIn` seconds after each fetch, numbered per fetch
/// (`ROLEKEY1`, `ROLEKEY2`, ...), failing with 503 after `fetchesServed`; without the session token
/// the metadata is refused, as on EC2.
private func fakeInstanceMetadata(expiresIn seconds: Double, fetchesServed: Int = .max) async throws -> ScriptedHTTPServer {
    let fetches = NIOLockedValueBox(0)
    return try await ScriptedHTTPServer { _, request in
        switch (request.method, request.uri) {
        case ("PUT", "/latest/api/token"):
            return .init(status: 200, body: "session-token")
        case (_, _) where request.header("x-aws-ec2-metadata-token") != "session-token":
            return .init(status: 401)
        case ("GET", "/latest/meta-data/iam/security-credentials/"):
            return .init(status: 200, body: "stride-role\n")
        case ("GET", "/latest/meta-data/iam/security-credentials/stride-role"):
            let number = fetches.withLockedValue { count in
                count += 1
                return count
            }
            guard number <= fetchesServed else { return .init(status: 503) }
            let expiration = ISO8601DateFormatter().string(from: Date().addingTimeInterval(seconds))
            return .init(
                status: 200,
                body: #"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ROLEKEY\#(number)","SecretAccessKey":"secret","Token":"role-token-\#(number)","Expiration":"\#(expiration)"}"#)
        default:
            return .init(status: 404)
        }
    }
}
