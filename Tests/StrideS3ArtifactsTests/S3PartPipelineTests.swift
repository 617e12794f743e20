import Foundation
import NIOCore
import StrideDomain
import StrideStore
import Testing

@testable import StrideS3Artifacts

/// The multipart upload of a long body against a scripted S3 server: parts go out several at once,
/// each of the part size, and an upload whose part the bucket refuses is aborted, never completed.
@Suite("A long body is uploaded as parts sent several at once, completed only when every part arrived")
struct S3PartPipelineTests {
    @Test("every part but the last has the part size, and the completion lists them all in order")
    func partsAndCompletion() async throws {
        let server = try await ScriptedHTTPServer { _, request in Self.bucket(request, refusingPart: nil) }
        let size = 5 * S3ArtifactStore.partBytes + 1_234
        try await withClient(endpoint: server.url) { client in
            let written = try await S3ArtifactStore(client: client).write(try ArtifactPath(validating: "big.bin"), body: zeros(size))
            #expect(written == Int64(size))
        }
        let parts = server.requests.filter { $0.method == "PUT" && $0.uri.contains("partNumber=") }
        #expect(Set(parts.map(Self.partNumber)) == Set(1...6))
        let lengths = parts.sorted { Self.partNumber($0) < Self.partNumber($1) }.map { $0.header("content-length") }
        #expect(lengths == Array(repeating: String(S3ArtifactStore.partBytes), count: 5) + ["1234"])
        #expect(server.requests.last.map { $0.method == "POST" && $0.uri.contains("uploadId=u-1") } == true)
        try await server.stop()
    }

    @Test("a part the bucket refuses aborts the upload: no completion is sent and the write fails")
    func refusedPartAborts() async throws {
        let server = try await ScriptedHTTPServer { _, request in Self.bucket(request, refusingPart: 2) }
        try await withClient(endpoint: server.url, maxRetries: 1) { client in
            await #expect(throws: ArtifactStorageUnavailable.self) {
                try await S3ArtifactStore(client: client).write(try ArtifactPath(validating: "big.bin"), body: zeros(8 * S3ArtifactStore.partBytes))
            }
            // The abort is sent off the request's path, on the same client; wait for it a while.
            for _ in 0..<200 where !server.requests.contains(where: Self.isAbort) { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(server.requests.contains(where: Self.isAbort))
        #expect(!server.requests.contains { $0.method == "POST" && $0.uri.contains("uploadId=") })
        try await server.stop()
    }

    /// An empty bucket that opens upload `u-1`, takes its parts (refusing `refusingPart`), and completes or aborts it.
    private static func bucket(_ request: ScriptedHTTPServer.Request, refusingPart: Int?) -> ScriptedHTTPServer.Response {
        switch request.method {
        case "HEAD": return .init(status: 404)
        case "GET": return .init(status: 200, body: "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>")
        case "POST" where request.uri.contains("uploads"):
            return .init(status: 200, body: "<InitiateMultipartUploadResult><UploadId>u-1</UploadId></InitiateMultipartUploadResult>")
        case "PUT" where partNumber(request) == refusingPart:
            return .init(status: 403, body: "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>")
        case "PUT": return .init(status: 200, headers: [("etag", "\"etag-\(partNumber(request))\"")])
        case "POST": return .init(status: 200, body: "<CompleteMultipartUploadResult></CompleteMultipartUploadResult>")
        default: return .init(status: 204)
        }
    }

    private static func partNumber(_ request: ScriptedHTTPServer.Request) -> Int {
        guard let query = URLComponents(string: request.uri)?.queryItems else { return 0 }
        return query.first { $0.name == "partNumber" }?.value.flatMap { Int($0) } ?? 0
    }

    private static func isAbort(_ request: ScriptedHTTPServer.Request) -> Bool {
        request.method == "DELETE" && request.uri.contains("uploadId=u-1")
    }
}

/// `size` zero bytes in chunks of 64 KiB, as a request body arrives.
private func zeros(_ size: Int) -> AsyncThrowingStream<ByteBuffer, any Error> {
    AsyncThrowingStream { continuation in
        var left = size
        while left > 0 {
            let length = min(left, 65_536)
            continuation.yield(ByteBuffer(repeating: 0, count: length))
            left -= length
        }
        continuation.finish()
    }
}
