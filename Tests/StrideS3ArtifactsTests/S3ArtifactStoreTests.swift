import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import StrideDomain
import StrideStore
import Testing

@testable import StrideS3Artifacts

/// The S3 store against a real S3 implementation: runs when `STRIDE_TEST_S3_ENDPOINT` names one
/// (`scripts/with-moto` starts moto and sets it, with `STRIDE_TEST_S3_BUCKET`); each test works below a prefix of its own.
@Suite(
    "The S3 artifact store writes atomically, streams, lists and reports an unusable bucket",
    .enabled(if: S3TestBucket.endpoint != nil, "set STRIDE_TEST_S3_ENDPOINT (scripts/with-moto) to run against an S3 server"))
struct S3ArtifactStoreTests {
    @Test("a written file is one object under the store's prefix")
    func landsUnderThePrefix() async throws {
        try await S3TestBucket.withStore { store in
            let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let path = try ArtifactPath(validating: "1/run/artifacts/model.bin")
            #expect(try await store.write(path, body: chunks(bytes, size: 65_536)) == 300_000)
            #expect(try await store.client.objectSize(store.rootPrefix + "1/run/artifacts/model.bin") == 300_000)
        }
    }

    @Test("a body longer than one part goes up in parts and reads back whole")
    func multipartWrite() async throws {
        try await S3TestBucket.withStore { store in
            let size = 2 * S3ArtifactStore.partBytes + 12_345
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 13) }
            let path = try ArtifactPath(validating: "big/weights.bin")
            #expect(try await store.write(path, body: chunks(bytes, size: 1_000_003)) == Int64(size))
            #expect(try await store.item(at: path) == .file(size: Int64(size)))
            #expect(try await read(store, path, 0..<Int64(size)) == bytes)
        }
    }

    @Test("a body that fails after several parts leaves no object behind")
    func brokenMultipartUpload() async throws {
        try await S3TestBucket.withStore { store in
            let large = try ArtifactPath(validating: "exp/large-half.bin")
            await #expect(throws: BodyBroke.self) { try await store.write(large, body: FailingBody(chunksBeforeFailure: 2_000)) }
            #expect(try await store.item(at: large) == nil)
            #expect(try await store.item(at: try ArtifactPath(validating: "exp")) == nil)
        }
    }

    @Test("a body of declared length longer than a part goes up as it arrives and reads back whole")
    func streamedWrite() async throws {
        try await S3TestBucket.withStore { store in
            let size = S3ArtifactStore.partBytes + 54_321
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 11) }
            let path = try ArtifactPath(validating: "streamed/weights.bin")
            #expect(try await store.write(path, body: chunks(bytes, size: 500_009), declaredLength: Int64(size)) == Int64(size))
            #expect(try await store.item(at: path) == .file(size: Int64(size)))
            #expect(try await read(store, path, 0..<Int64(size)) == bytes)
        }
    }

    @Test("a body of declared length that breaks part way fails with its own error and leaves no object")
    func brokenStreamedWrite() async throws {
        try await S3TestBucket.withStore { store in
            let path = try ArtifactPath(validating: "streamed/half.bin")
            let declared = Int64(3 * S3ArtifactStore.partBytes)
            await #expect(throws: BodyBroke.self) {
                try await store.write(path, body: FailingBody(chunksBeforeFailure: 1_500), declaredLength: declared)
            }
            #expect(try await store.item(at: path) == nil)
        }
    }

    @Test("a listing longer than one page follows continuation tokens")
    func listingAcrossPages() async throws {
        try await S3TestBucket.withStore { store in
            var store = store
            store.listPageSize = 2
            for name in ["e", "a", "d", "b", "c"] {
                try await store.write(try ArtifactPath(validating: "many/\(name).txt"), body: chunks(Array(name.utf8)))
            }
            try await store.write(try ArtifactPath(validating: "many/sub/f.txt"), body: chunks(Array("f".utf8)))
            let names = try await store.list(try ArtifactPath(validating: "many"))?.map(\.name)
            #expect(names == ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "sub"])
        }
    }

    @Test("presigned part URLs take parts straight to the bucket; a proxying store hands out none")
    func presignedParts() async throws {
        try await S3TestBucket.withStore { store in
            let destination = try ArtifactPath(validating: "direct.bin")
            let upload = try await store.createMultipartUpload(to: destination, partCount: 1)
            let urls = try #require(try await store.directPartURLs(for: upload, destination: destination, partCount: 1))
            #expect(urls.count == 1)
            var request = HTTPClientRequest(url: urls[0])
            request.method = .PUT
            request.body = .bytes(ByteBuffer(string: "sent directly"))
            let response = try await store.client.http.execute(request, timeout: .seconds(30))
            #expect(response.status.code == 200)
            let etag = try #require(response.headers.first(name: "etag"))
            try await store.completeMultipartUpload(upload, destination: destination, parts: [MultipartPartReceipt(partNumber: 1, etag: etag)])
            #expect(try await read(store, destination, 0..<13) == Array("sent directly".utf8))

            let proxying = S3ArtifactStore(client: store.client, presignsParts: false)
            #expect(try await proxying.directPartURLs(for: upload, destination: destination, partCount: 1) == nil)
        }
    }

    @Test("wrong credentials and a missing bucket are ArtifactStorageUnavailable, not client errors")
    func unusableBucket() async throws {
        try await S3TestBucket.withStore(bucket: "no-such-bucket-\(UUID().uuidString.prefix(8).lowercased())") { store in
            await #expect(throws: ArtifactStorageUnavailable.self) { try await store.list(.root) }
            await #expect(throws: ArtifactStorageUnavailable.self) {
                try await store.write(try ArtifactPath(validating: "a.txt"), body: chunks(Array("a".utf8)))
            }
        }
    }

    @Test("an endpoint that refuses connections fails after the retries, quickly, as ArtifactStorageUnavailable")
    func unreachableEndpoint() async throws {
        try await S3TestBucket.withStore(endpoint: "http://127.0.0.1:9") { store in
            let started = ContinuousClock.now
            await #expect(throws: ArtifactStorageUnavailable.self) { try await store.item(at: try ArtifactPath(validating: "a")) }
            #expect(ContinuousClock.now - started < .seconds(15))
        }
    }
}

// MARK: Helpers

enum S3TestBucket {
    static let endpoint = ProcessInfo.processInfo.environment["STRIDE_TEST_S3_ENDPOINT"]
    static let bucket = ProcessInfo.processInfo.environment["STRIDE_TEST_S3_BUCKET"] ?? "stride-tests"

    /// A store below a fresh prefix of the test bucket (or of `bucket`, at `endpoint`).
    static func withStore(bucket: String = bucket, endpoint: String? = endpoint, _ body: (S3ArtifactStore) async throws -> Void) async throws {
        let http = S3Client.makeHTTPClient()
        do {
            var configuration = S3Configuration(
                location: S3Location(bucket: bucket, prefix: "tests/\(UUID().uuidString)"), endpointURL: endpoint,
                credentials: .fixed(S3Credentials(accessKeyID: "testing", secretAccessKey: "testing")))
            configuration.maxRetries = 2
            let client = try S3Client(configuration: configuration, http: http, logger: Logger(label: "s3-tests"))
            try await body(S3ArtifactStore(client: client))
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }
}

private func chunks(_ bytes: [UInt8], size: Int = 4096) -> AsyncThrowingStream<ByteBuffer, any Error> {
    AsyncThrowingStream { continuation in
        var start = 0
        repeat {
            let end = min(start + size, bytes.count)
            continuation.yield(ByteBuffer(bytes: bytes[start..<end]))
            start = end
        } while start < bytes.count
        continuation.finish()
    }
}

private func read(_ store: S3ArtifactStore, _ path: ArtifactPath, _ range: Range<Int64>) async throws -> [UInt8] {
    var collected: [UInt8] = []
    try await store.read(path, range: range) { collected += Array($0.readableBytesView) }
    return collected
}

private struct BodyBroke: Error {}

/// A body that sends some 10 kB chunks and then fails, like a client whose connection drops.
private struct FailingBody: AsyncSequence {
    typealias Element = ByteBuffer
    typealias Failure = any Error
    var chunksBeforeFailure: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: Int
        mutating func next() async throws -> ByteBuffer? {
            guard remaining > 0 else { throw BodyBroke() }
            remaining -= 1
            return ByteBuffer(repeating: 7, count: 10_000)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: chunksBeforeFailure) }
}
