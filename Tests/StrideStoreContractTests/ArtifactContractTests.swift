import NIOCore
import StrideDomain
import StrideLocalArtifacts
import StrideStore
import StrideTesting
import Testing

/// An artifact store backend the contract suite runs against; a new one (S3-compatible storage)
/// adds one entry to ``all`` that opens a fresh, empty store.
struct ArtifactBackend: Sendable, CustomTestStringConvertible {
    var name: String
    var open: @Sendable () async throws -> (store: any ArtifactStore, remove: @Sendable () -> Void)

    var testDescription: String { name }

    static let all: [ArtifactBackend] = [localDisk]

    static let localDisk = ArtifactBackend(name: "local disk") {
        let folder = try TestFolder("artifact-contract")
        return (try await LocalArtifactStore.open(directory: folder.path), folder.remove)
    }
}

@Suite("Store contract: artifacts")
struct ArtifactContractTests {
    @Test("a written file is listed with its size in its folder and reads back, whole or as a range", arguments: ArtifactBackend.all)
    func writeListRead(backend: ArtifactBackend) async throws {
        try await withArtifacts(backend) { store in
            let text = String(repeating: "0123456789", count: 1000)
            #expect(try await store.write(path("model/weights.bin"), body: chunks(text, size: 777)) == 10_000)
            try await store.write(path("model/MLmodel"), body: chunks("flavor"))
            try await store.write(path("notes.txt"), body: chunks(""))

            #expect(try await store.item(at: path("model/weights.bin")) == .file(size: 10_000))
            #expect(try await store.item(at: path("model")) == .directory)
            #expect(try await store.item(at: path("missing")) == nil)
            #expect(try await store.list(.root) == [
                ArtifactEntry(name: "model", item: .directory), ArtifactEntry(name: "notes.txt", item: .file(size: 0)),
            ])
            #expect(try await store.list(path("model")) == [
                ArtifactEntry(name: "MLmodel", item: .file(size: 6)), ArtifactEntry(name: "weights.bin", item: .file(size: 10_000)),
            ])
            #expect(try await store.list(path("notes.txt")) == nil)
            #expect(try await store.list(path("missing")) == nil)
            #expect(try await read(store, "model/weights.bin", 0..<10_000) == text)
            #expect(try await read(store, "model/weights.bin", 9_995..<10_000) == "56789")
        }
    }

    @Test("a write replaces the file; a body that fails part way leaves the earlier file as it was", arguments: ArtifactBackend.all)
    func replaceAndFailedWrite(backend: ArtifactBackend) async throws {
        try await withArtifacts(backend) { store in
            try await store.write(path("a.txt"), body: chunks("first version"))
            try await store.write(path("a.txt"), body: chunks("second"))
            #expect(try await read(store, "a.txt", 0..<6) == "second")
            await #expect(throws: BrokenBody.self) { try await store.write(path("a.txt"), body: failing(after: "half of a")) }
            await #expect(throws: BrokenBody.self) { try await store.write(path("b.txt"), body: failing(after: "half of b")) }
            #expect(try await store.item(at: path("a.txt")) == .file(size: 6))
            #expect(try await store.item(at: path("b.txt")) == nil)
        }
    }

    @Test("delete removes a file or a whole tree; deleting nothing is not an error", arguments: ArtifactBackend.all)
    func delete(backend: ArtifactBackend) async throws {
        try await withArtifacts(backend) { store in
            try await store.write(path("run/a/1.txt"), body: chunks("1"))
            try await store.write(path("run/a/2.txt"), body: chunks("2"))
            try await store.write(path("run/b.txt"), body: chunks("b"))
            try await store.delete(path("run/a"))
            #expect(try await store.list(path("run")) == [ArtifactEntry(name: "b.txt", item: .file(size: 1))])
            try await store.delete(path("run/b.txt"))
            try await store.delete(path("never/there"))
            #expect(try await store.item(at: path("run/b.txt")) == nil)
        }
    }

    @Test("a multipart upload joins its parts in order at its destination; a part sent again replaces it; abort discards", arguments: ArtifactBackend.all)
    func multipart(backend: ArtifactBackend) async throws {
        try await withArtifacts(backend) { store in
            let destination = path("big/file.bin")
            let upload = try await store.createMultipartUpload(to: destination, partCount: 3)
            let third = try await store.writePart(3, of: upload, body: chunks("C"))
            _ = try await store.writePart(1, of: upload, body: chunks("wrong"))
            let first = try await store.writePart(1, of: upload, body: chunks("AAA"))
            let second = try await store.writePart(2, of: upload, body: chunks("BB"))
            #expect([first, second, third].map(\.partNumber) == [1, 2, 3])
            #expect(try await store.item(at: destination) == nil)
            try await store.completeMultipartUpload(upload, destination: destination, parts: [first, second, third])
            #expect(try await read(store, "big/file.bin", 0..<6) == "AAABBC")

            let abandoned = try await store.createMultipartUpload(to: path("other.bin"), partCount: 1)
            _ = try await store.writePart(1, of: abandoned, body: chunks("x"))
            try await store.abortMultipartUpload(abandoned, destination: path("other.bin"))
            try await store.abortMultipartUpload(MultipartUploadID.make(), destination: path("other.bin"))
            #expect(try await store.item(at: path("other.bin")) == nil)
        }
    }
}

private func withArtifacts(_ backend: ArtifactBackend, _ body: (any ArtifactStore) async throws -> Void) async throws {
    let (store, remove) = try await backend.open()
    defer { remove() }
    try await body(store)
}

private func path(_ text: String) -> ArtifactPath {
    // Every path in these tests is a valid literal.
    (try? ArtifactPath(validating: text)) ?? .root
}

private func chunks(_ text: String, size: Int = 4096) -> AsyncThrowingStream<ByteBuffer, any Error> {
    let bytes = Array(text.utf8)
    return AsyncThrowingStream { continuation in
        for start in stride(from: 0, to: bytes.count, by: size) {
            continuation.yield(ByteBuffer(bytes: bytes[start..<min(start + size, bytes.count)]))
        }
        continuation.finish()
    }
}

private struct BrokenBody: Error {}

/// A body that sends `text`, then fails as a dropped connection does.
private func failing(after text: String) -> AsyncThrowingStream<ByteBuffer, any Error> {
    AsyncThrowingStream { continuation in
        continuation.yield(ByteBuffer(string: text))
        continuation.finish(throwing: BrokenBody())
    }
}

private func read(_ store: any ArtifactStore, _ file: String, _ range: Range<Int64>) async throws -> String {
    var collected = ByteBuffer()
    try await store.read(path(file), range: range) { chunk in
        var chunk = chunk
        collected.writeBuffer(&chunk)
    }
    return String(buffer: collected)
}
