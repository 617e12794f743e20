public import AsyncHTTPClient
public import Logging
import Crypto
import NIOCore
import NIOHTTP1

/// A small S3 client over async-http-client: signs each request (``SignatureV4``), retries what may
/// succeed on a second try, and turns S3's error documents into ``S3ServiceError``s.
///
/// Bodies sent are buffers of bounded size (a small object or one part); bodies received stream.
public struct S3Client: Sendable {
    let http: HTTPClient
    let endpoint: S3Endpoint
    let credentials: S3CredentialsProvider
    let configuration: S3Configuration
    let logger: Logger

    /// Budget for a request whose answer is small; transfers are bounded by the read timeout instead.
    static let requestTimeout: TimeAmount = .seconds(120)
    /// The longest any one transfer may take.
    static let transferTimeout: TimeAmount = .hours(12)
    /// The most of an error document read.
    static let maxErrorBodyBytes = 64 * 1024
    /// First wait before a retry; each later one is four times longer (100 ms, 400 ms, 1.6 s).
    static let firstBackoffMilliseconds: Int64 = 100

    /// A client for `configuration`'s bucket over `http`, which the caller shuts down.
    public init(configuration: S3Configuration, http: HTTPClient, logger: Logger) throws(S3ConfigurationError) {
        self.endpoint = try S3Endpoint(configuration)
        self.credentials = S3CredentialsProvider(source: configuration.credentials, http: http)
        self.configuration = configuration
        self.http = http
        self.logger = logger
    }

    /// An HTTP client tuned for one object store: short connect timeout, a read timeout so a silent
    /// server fails a request instead of hanging it, no redirects, no decompression.
    public static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(3), read: .seconds(60)),
            connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 32))
        configuration.httpVersion = .http1Only
        // A refused connection fails the attempt at once; `withRetries` decides, with its own backoff,
        // instead of the pool retrying until the connect timeout on every attempt.
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// One S3 operation before signing.
    struct Call {
        var operation: String
        var method: HTTPMethod
        /// The object key; nil addresses the bucket.
        var key: String?
        var query: [(name: String, value: String)] = []
        var headers: [(name: String, value: String)] = []
        var body: ByteBuffer?
    }

    /// The signer with the keys of the moment.
    func signer() async throws -> SignatureV4 {
        SignatureV4(credentials: try await credentials.current(), region: configuration.region)
    }

    /// The signed request for `call`, as sent now; `streamed` marks a body the caller attaches
    /// afterwards, which is sent `UNSIGNED-PAYLOAD` since its bytes are not known yet.
    func request(for call: Call, streamed: Bool = false) async throws -> HTTPClientRequest {
        let path = endpoint.path(forKey: call.key)
        let payloadHash =
            streamed
            ? SignatureV4.unsignedPayload
            : call.body.map { configuration.signsPayloads ? Self.payloadHash($0) : SignatureV4.unsignedPayload } ?? SignatureV4.emptyPayloadHash
        var headers = call.headers
        headers.append(("host", endpoint.hostHeader))
        headers.append(("x-amz-content-sha256", payloadHash))
        let signing = SignatureV4.Request(method: call.method.rawValue, path: path, query: call.query, headers: headers, payloadHash: payloadHash)
        headers += try await signer().authorizationHeaders(for: signing, at: .now())
        var request = HTTPClientRequest(url: endpoint.url(path: path, query: call.query))
        request.method = call.method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body = call.body { request.body = .bytes(body) }
        return request
    }

    /// The hex SHA-256 of `body`, for a payload signed rather than sent `UNSIGNED-PAYLOAD`.
    static func payloadHash(_ body: ByteBuffer) -> String {
        SignatureV4.hex(body.withUnsafeReadableBytes { SHA256.hash(data: $0) })
    }

    /// A presigned URL for `call` (its body unsigned), valid for the configured time.
    func presignedURL(for call: Call) async throws -> String {
        let path = endpoint.path(forKey: call.key)
        let signing = SignatureV4.Request(
            method: call.method.rawValue, path: path, query: call.query, headers: [("host", endpoint.hostHeader)], payloadHash: SignatureV4.unsignedPayload)
        let query = try await signer().presignedQuery(for: signing, at: .now(), expiresSeconds: configuration.presignedURLExpirySeconds)
        return endpoint.url(path: path, query: query)
    }

    /// Sends `call` and reads its whole (small) answer; throws ``S3ServiceError`` for a refusal.
    func send(_ call: Call, maxAnswerBytes: Int = 16 * 1024 * 1024) async throws -> (head: HTTPClientResponse, body: ByteBuffer) {
        try await withRetries(call) { response in
            do {
                return (response, try await response.body.collect(upTo: maxAnswerBytes))
            } catch {
                throw S3Unreachable(operation: call.operation, endpoint: endpoint.hostHeader, underlying: String(describing: error))
            }
        }
    }

    /// Sends `call` and hands a successful response to `consume`, retrying transport failures and
    /// answers worth retrying (5xx, throttling) with backoff; a refusal throws ``S3ServiceError``, a
    /// store out of reach after every retry ``S3Unreachable``. Errors `consume` throws pass unchanged.
    func withRetries<Result>(
        _ call: Call, timeout: TimeAmount = requestTimeout, consume: (HTTPClientResponse) async throws -> Result
    ) async throws -> Result {
        var attempt = 0
        while true {
            let failure: any Error
            switch await response(to: call, timeout: timeout) {
            case .success(let response): return try await consume(response)
            case .failure(let error): failure = error
            }
            if failure is CancellationError { throw failure }
            if let refusal = failure as? S3ServiceError, !refusal.isWorthRetrying { throw refusal }
            guard attempt < configuration.maxRetries else {
                if let refusal = failure as? S3ServiceError { throw refusal }
                throw S3Unreachable(operation: call.operation, endpoint: endpoint.hostHeader, underlying: String(describing: failure))
            }
            logger.debug("S3 \(call.operation) failed, retrying: \(failure)")
            try await Task.sleep(for: .milliseconds(Self.backoffMilliseconds(attempt: attempt)))
            attempt += 1
        }
    }

    /// One try: a 2xx response, or what went wrong.
    private func response(to call: Call, timeout: TimeAmount) async -> Result<HTTPClientResponse, any Error> {
        do {
            return try await checkedResponse(to: try await request(for: call), of: call, timeout: timeout)
        } catch {
            return .failure(error)
        }
    }

    /// Sends `request` once: a 2xx response, or the refusal it got.
    func checkedResponse(to request: HTTPClientRequest, of call: Call, timeout: TimeAmount) async throws -> Result<HTTPClientResponse, any Error> {
        let response = try await http.execute(request, timeout: timeout, logger: nil)
        guard (200..<300).contains(response.status.code) else { return .failure(await serviceError(call, response)) }
        return .success(response)
    }

    /// The wait before retry `attempt` (from 0): exponential with up to 50% random jitter.
    static func backoffMilliseconds(attempt: Int) -> Int64 {
        let base = firstBackoffMilliseconds << min(2 * Int64(attempt), 16)
        return base + Int64.random(in: 0...(base / 2))
    }

    /// The error document of a non-2xx answer.
    private func serviceError(_ call: Call, _ response: HTTPClientResponse) async -> S3ServiceError {
        let body = (try? await response.body.collect(upTo: Self.maxErrorBodyBytes)) ?? ByteBuffer()
        let text = S3XML.Fragment(body)
        return S3ServiceError(
            operation: call.operation, status: Int(response.status.code), code: S3XML.value("Code", in: text) ?? response.status.reasonPhrase,
            message: S3XML.value("Message", in: text) ?? "")
    }
}

/// S3 refused a request: its HTTP status and the error document's code and message.
struct S3ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    var operation: String
    var status: Int
    var code: String
    var message: String

    /// Server faults and throttling may pass; a refusal will not.
    var isWorthRetrying: Bool {
        status >= 500 || status == 429 || ["SlowDown", "RequestTimeout", "InternalError"].contains(code)
    }

    var description: String { "S3 \(operation) answered \(status) \(code)\(message.isEmpty ? "" : ": \(message)")" }
}

/// The object store could not be reached, or kept failing, through every retry.
struct S3Unreachable: Error, Sendable, CustomStringConvertible {
    var operation: String
    var endpoint: String
    var underlying: String

    var description: String { "S3 \(operation) at \(endpoint) failed after retries: \(underlying)" }
}
