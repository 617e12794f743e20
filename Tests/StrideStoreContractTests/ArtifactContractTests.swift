import NIOCore
import StrideDomain
import StrideStore
import StrideTesting
import Testing

@Suite("Store contract: artifacts")
struct ArtifactContractTests {
    @Test("a written file is listed with its size in its folder and reads back, whole or as a range", arguments: ArtifactBackend.all)
    func writeListRead(backend: ArtifactBackend) async throws {
        try await withArtifacts(backend) { store in
            let text = String(repeating: "0123456789", count: 1000)
            #expect(try await store.write(path("model/weights.bin"), body: chunks(text, size: 777)) == 10_000)
            try await store.write(path("model/MLmodel"), body: chunks("flavor"))
            try await store.write(path("notes.txt"), body: chunks(""))
            try await store.write(path("model/a & b.txt"), body: chunks("x"))

            #expect(try await store.item(at: path("model/weights.bin")) == .file(size: 10_000))
            #expect(try await store.item(at: path("model")) == .directory)
            #expect(try await store.item(at: path("missing")) == nil)
            #expect(try await store.list(.root) == [
                ArtifactEntry(name: "model", item: .directory), ArtifactEntry(name: "notes.txt", item: .file(size: 0)),
            ])
            #expect(try await store.list(path("model")) == [
                ArtifactEntry(name: "MLmodel", item: .file(size: 6)), ArtifactEntry(name: "a & b.txt", item: .file(size: 1)),
                ArtifactEntry(name: "weights.bin", item: .file(size: 10_000)),
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
            await #expect(throws: BrokenBody.self) { try await store.write(path("new/folder/b.txt"), body: failing(after: "half of b")) }
            #expect(try await store.item(at: path("a.txt")) == .file(size: 6))
            #expect(try await store.item(at: path("new/folder/b.txt")) == nil)
            #expect(try await store.item(at: path("new")) == nil)
            #expect(try await store.list(.root) == [ArtifactEntry(name: "a.txt", item: .file(size: 6))])
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
            // Every part but the last at S3's minimum of 5 MiB.
            let minimumPart = 5 * 1024 * 1024
            let upload = try await store.createMultipartUpload(to: destination, partCount: 3)
            let third = try await store.writePart(3, of: upload, body: chunks("C"))
            _ = try await store.writePart(1, of: upload, body: chunks(String(repeating: "w", count: minimumPart), size: 1 << 20))
            let first = try await store.writePart(1, of: upload, body: chunks(String(repeating: "A", count: minimumPart), size: 1 << 20))
            let second = try await store.writePart(2, of: upload, body: chunks(String(repeating: "B", count: minimumPart), size: 1 << 20))
            #expect([first, second, third].map(\.partNumber) == [1, 2, 3])
            #expect(try await store.item(at: destination) == nil)
            try await store.completeMultipartUpload(upload, destination: destination, parts: [first, second, third])
            #expect(try await store.item(at: destination) == .file(size: Int64(2 * minimumPart + 1)))
            #expect(try await read(store, "big/file.bin", 0..<2) == "AA")
            #expect(try await read(store, "big/file.bin", Int64(minimumPart - 1)..<Int64(minimumPart + 1)) == "AB")
            #expect(try await read(store, "big/file.bin", Int64(2 * minimumPart - 1)..<Int64(2 * minimumPart + 1)) == "BC")

            let abandoned = try await store.createMultipartUpload(to: path("other.bin"), partCount: 1)
            _ = try await store.writePart(1, of: abandoned, body: chunks("x"))
            try await store.abortMultipartUpload(abandoned, destination: path("other.bin"))
            try await store.abortMultipartUpload(MultipartUploadID.make(), destination: path("other.bin"))
            #expect(try await store.item(at: path("other.bin")) == nil)
            #expect(try await store.list(.root)?.map(\.name) == ["big"])
        }
    }

    @Test("an upload id opened for one destination neither completes nor aborts at another", arguments: ArtifactBackend.all)
    func multipartStaysAtItsDestination(backend: ArtifactBackend) async throws {
        try await withArtifacts(backend) { store in
            let destination = path("mpu/file.bin")
            let upload = try await store.createMultipartUpload(to: destination, partCount: 1)
            let part = try await store.writePart(1, of: upload, body: chunks("only part"))
            let elsewhere = path("workspaces/other/file.bin")
            await #expect { try await store.completeMultipartUpload(upload, destination: elsewhere, parts: [part]) } throws: {
                ($0 as? StrideError)?.code == .resourceDoesNotExist
            }
            try await store.abortMultipartUpload(upload, destination: elsewhere)
            #expect(try await store.item(at: elsewhere) == nil)
            try await store.completeMultipartUpload(upload, destination: destination, parts: [part])
            #expect(try await read(store, "mpu/file.bin", 0..<9) == "only part")
        }
    }

    @Test("a file cannot be written where a folder is, nor below a file; the staging folder is out of reach", arguments: ArtifactBackend.all)
    func writeConflicts(backend: ArtifactBackend) async throws {
        try await withArtifacts(backend) { store in
            try await store.write(path("dir/file.txt"), body: chunks("f"))
            for target in ["dir", "dir/file.txt/inner.txt", ".stride-uploads/evil"] {
                await #expect { try await store.write(path(target), body: chunks("x")) } throws: {
                    ($0 as? StrideError)?.code == .invalidParameterValue
                }
            }
            #expect(try await store.list(.root) == [ArtifactEntry(name: "dir", item: .directory)])
            #expect(try await read(store, "dir/file.txt", 0..<1) == "f")
        }
    }
}

private func withArtifacts(_ backend: ArtifactBackend, _ body: (any ArtifactStore) async throws -> Void) async throws {
    let (store, remove) = try await backend.open()
    do {
        try await body(store)
    } catch {
        await remove()
        throw error
    }
    await remove()
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
