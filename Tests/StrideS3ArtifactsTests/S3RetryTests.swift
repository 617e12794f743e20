import AsyncHTTPClient
import Logging
import NIOCore
import StrideDomain
import StrideStore
import Testing

@testable import StrideS3Artifacts

/// Retries against a scripted S3 server: what may pass on a second try is retried with growing
/// waits, a bounded number of times; a refusal is not retried.
@Suite("The S3 client retries server faults and throttling with backoff, a bounded number of times")
struct S3RetryTests {
    @Test("throttling and a 5xx are retried after waits of at least 100 ms and 400 ms, then the answer is used")
    func retriedUntilSuccess() async throws {
        let server = try await ScriptedHTTPServer { number, _ in
            switch number {
            case 0: .init(status: 503, body: "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")
            case 1: .init(status: 500, body: "<Error><Code>InternalError</Code></Error>")
            default: .init(status: 200, body: "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>p/a.txt</Key><Size>3</Size></Contents></ListBucketResult>")
            }
        }
        try await withClient(endpoint: server.url, maxRetries: 2) { client in
            let started = ContinuousClock.now
            let page = try await client.listObjects(prefix: "p/", delimiter: "/")
            #expect(page.objects.map(\.key) == ["p/a.txt"])
            #expect(ContinuousClock.now - started >= .milliseconds(500))
        }
        #expect(server.requests.count == 3)
        try await server.stop()
    }

    @Test("a store that keeps failing is given up on after the configured retries, as ArtifactStorageUnavailable naming the fault")
    func boundedRetries() async throws {
        let server = try await ScriptedHTTPServer { _, _ in
            .init(status: 503, body: "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")
        }
        try await withClient(endpoint: server.url, maxRetries: 2) { client in
            await #expect {
                try await S3ArtifactStore(client: client).list(.root)
            } throws: { error in
                "\(error)".contains("503 SlowDown: Please reduce your request rate.") && error is ArtifactStorageUnavailable
            }
        }
        // Three tries, with waits of 100-150 ms and 400-600 ms between them (wall time is no measure
        // on a loaded machine: the whole suite runs at once).
        #expect(server.requests.count == 3)
        #expect(S3Client.backoffMilliseconds(attempt: 0) >= 100 && S3Client.backoffMilliseconds(attempt: 0) <= 150)
        #expect(S3Client.backoffMilliseconds(attempt: 2) >= 1_600 && S3Client.backoffMilliseconds(attempt: 2) <= 2_400)
        try await server.stop()
    }

    @Test("a refusal (wrong key, missing bucket) is reported at once, without retries")
    func refusalsAreNotRetried() async throws {
        let server = try await ScriptedHTTPServer { _, request in
            request.uri.hasPrefix("/missing-bucket")
                ? .init(status: 404, body: "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>")
                : .init(status: 403, body: "<Error><Code>InvalidAccessKeyId</Code><Message>The key does not exist.</Message></Error>")
        }
        try await withClient(endpoint: server.url, maxRetries: 3) { client in
            await #expect { try await S3ArtifactStore(client: client).checkReachable() } throws: {
                "\($0)".contains("403 InvalidAccessKeyId")
            }
        }
        try await withClient(endpoint: server.url, bucket: "missing-bucket", maxRetries: 3) { client in
            await #expect { try await S3ArtifactStore(client: client).checkReachable() } throws: {
                "\($0)".contains("404 NoSuchBucket") && "\($0)".contains("bucket missing-bucket")
            }
        }
        #expect(server.requests.count == 2)
        try await server.stop()
    }
}

/// A client of `bucket` at `endpoint` with test keys, its HTTP client shut down afterwards.
func withClient(
    endpoint: String, bucket: String = "bucket", credentials: S3CredentialSource = .fixed(S3Credentials(accessKeyID: "testing", secretAccessKey: "testing")),
    maxRetries: Int = 3, _ body: (S3Client) async throws -> Void
) async throws {
    let http = S3Client.makeHTTPClient()
    do {
        var configuration = S3Configuration(location: S3Location(bucket: bucket), endpointURL: endpoint, credentials: credentials)
        configuration.maxRetries = maxRetries
        try await body(try S3Client(configuration: configuration, http: http, logger: Logger(label: "s3-tests")))
    } catch {
        try? await http.shutdown()
        throw error
    }
    try await http.shutdown()
}

@Suite("Request bodies go UNSIGNED-PAYLOAD by default, or signed by their SHA-256 when asked")
struct S3PayloadSigningTests {
    @Test("a PutObject carries the body's SHA-256 in x-amz-content-sha256, a signed header, only when payloads are signed")
    func signedPayloads() async throws {
        let server = try await ScriptedHTTPServer { _, _ in .init(status: 200) }
        for signs in [false, true] {
            let http = S3Client.makeHTTPClient()
            var configuration = S3Configuration(
                location: S3Location(bucket: "bucket"), endpointURL: server.url, credentials: .fixed(S3Credentials(accessKeyID: "k", secretAccessKey: "s")))
            configuration.signsPayloads = signs
            let client = try S3Client(configuration: configuration, http: http, logger: Logger(label: "s3-tests"))
            try await client.putObject("a.txt", body: ByteBuffer(string: "hello"))
            try await http.shutdown()
        }
        let hashes = server.requests.map { $0.header("x-amz-content-sha256") }
        #expect(hashes == ["UNSIGNED-PAYLOAD", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"])
        #expect(server.requests.allSatisfy { $0.header("authorization")?.contains("x-amz-content-sha256") == true })
        try await server.stop()
    }
}
