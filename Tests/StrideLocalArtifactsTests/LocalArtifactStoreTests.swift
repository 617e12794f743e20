import Foundation
import NIOCore
import StrideDomain
import StrideLocalArtifacts
import StrideStore
import Testing

@Suite("The local artifact store writes atomically, streams, lists and stays inside its root")
struct LocalArtifactStoreTests {
    @Test("a body that fails part way leaves no file, no directory and no staged leftovers")
    func brokenUpload() async throws {
        try await withStore { store, directory in
            let path = try ArtifactPath(validating: "exp/run/artifacts/half.bin")
            await #expect(throws: BodyBroke.self) {
                try await store.write(path, body: FailingBody(chunksBeforeFailure: 3))
            }
            #expect(try await store.item(at: path) == nil)
            #expect(try await store.item(at: try ArtifactPath(validating: "exp")) == nil)
            let staged = try FileManager.default.contentsOfDirectory(atPath: directory + "/.stride-uploads")
            #expect(staged.isEmpty)
        }
    }

    @Test("a symbolic link that leaves the root is refused for reading, writing and listing")
    func escapingSymlinks() async throws {
        try await withStore { store, directory in
            let outside = directory + "-outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: outside) }
            try Data("secret".utf8).write(to: URL(fileURLWithPath: outside + "/secret.txt"))
            try FileManager.default.createSymbolicLink(atPath: directory + "/escape", withDestinationPath: outside)
            try FileManager.default.createSymbolicLink(atPath: directory + "/secret-link", withDestinationPath: outside + "/secret.txt")

            for path in ["escape/secret.txt", "secret-link", "escape/new.txt"] {
                let artifactPath = try ArtifactPath(validating: path)
                await #expect { try await store.item(at: artifactPath) } throws: { ($0 as? StrideError)?.code == .invalidParameterValue }
            }
            await #expect { try await store.write(try ArtifactPath(validating: "escape/new.txt"), body: chunks([1])) } throws: {
                ($0 as? StrideError)?.code == .invalidParameterValue
            }
            #expect(!FileManager.default.fileExists(atPath: outside + "/new.txt"))
            #expect(try await store.list(.root)?.map(\.name) == [])
        }
    }

    @Test("a symbolic link that stays inside the root is followed")
    func internalSymlink() async throws {
        try await withStore { store, directory in
            try await store.write(try ArtifactPath(validating: "real/data.txt"), body: chunks(Array("data".utf8)))
            try FileManager.default.createSymbolicLink(atPath: directory + "/alias", withDestinationPath: directory + "/real")
            #expect(try await read(store, try ArtifactPath(validating: "alias/data.txt"), 0..<4) == Array("data".utf8))
        }
    }

    @Test("completing with a wrong ETag, a missing part or another destination is refused")
    func multipartChecks() async throws {
        try await withStore { store, _ in
            let destination = try ArtifactPath(validating: "m.bin")
            let upload = try await store.createMultipartUpload(to: destination, partCount: 2)
            let first = try await store.writePart(1, of: upload, body: chunks([1, 2]))
            let attempts: [(ArtifactPath, [MultipartPartReceipt])] = [
                (destination, [MultipartPartReceipt(partNumber: 1, etag: "bogus")]),
                (destination, [first, MultipartPartReceipt(partNumber: 2, etag: "2-5")]),
            ]
            for (target, parts) in attempts {
                await #expect {
                    try await store.completeMultipartUpload(upload, destination: target, parts: parts)
                } throws: { ($0 as? StrideError)?.code == .invalidParameterValue }
            }
            // Elsewhere the id names no upload: completing is "not found" and aborting does nothing.
            let elsewhere = try ArtifactPath(validating: "workspaces/other/m.bin")
            await #expect {
                try await store.completeMultipartUpload(upload, destination: elsewhere, parts: [first])
            } throws: { ($0 as? StrideError)?.code == .resourceDoesNotExist && "\($0)".contains("m.bin") == false }
            try await store.abortMultipartUpload(upload, destination: elsewhere)
            #expect(try await store.writePart(1, of: upload, body: chunks([1, 2])) == first)
            await #expect { try await store.writePart(3, of: upload, body: chunks([1])) } throws: {
                ($0 as? StrideError)?.code == .invalidParameterValue
            }
            try await store.abortMultipartUpload(upload, destination: destination)
            await #expect { try await store.writePart(1, of: upload, body: chunks([1])) } throws: {
                ($0 as? StrideError)?.code == .resourceDoesNotExist
            }
        }
    }
}

// MARK: Helpers

private func withStore(_ body: (LocalArtifactStore, String) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stride-artifacts-\(UUID().uuidString)").path
    let store = try await LocalArtifactStore.open(directory: directory)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try await body(store, store.directory)
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

private func read(_ store: LocalArtifactStore, _ path: ArtifactPath, _ range: Range<Int64>) async throws -> [UInt8] {
    var collected: [UInt8] = []
    try await store.read(path, range: range) { collected += Array($0.readableBytesView) }
    return collected
}

private struct BodyBroke: Error {}

/// A body that sends some chunks and then fails, like a client whose connection drops.
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
