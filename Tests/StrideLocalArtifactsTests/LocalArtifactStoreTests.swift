import Foundation
import NIOCore
import StrideDomain
import StrideLocalArtifacts
import StrideStore
import Testing

@Suite("The local artifact store writes atomically, streams, lists and stays inside its root")
struct LocalArtifactStoreTests {
    @Test("a written file reads back byte for byte, whole and by range")
    func roundTrip() async throws {
        try await withStore { store, _ in
            let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let path = try ArtifactPath(validating: "1/run/artifacts/model.bin")
            #expect(try await store.write(path, body: chunks(bytes, size: 65_536)) == 300_000)
            #expect(try await store.item(at: path) == .file(size: 300_000))
            #expect(try await read(store, path, 0..<300_000) == bytes)
            #expect(try await read(store, path, 1_000..<1_010) == Array(bytes[1_000..<1_010]))
        }
    }

    @Test("writing creates the directories above the file and replaces an older file")
    func overwrite() async throws {
        try await withStore { store, _ in
            let path = try ArtifactPath(validating: "a/b/c.txt")
            try await store.write(path, body: chunks(Array("first".utf8)))
            try await store.write(path, body: chunks(Array("second".utf8)))
            #expect(try await read(store, path, 0..<6) == Array("second".utf8))
            #expect(try await store.item(at: try ArtifactPath(validating: "a/b")) == .directory)
        }
    }

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

    @Test("a broken upload over an existing file leaves the old file whole")
    func brokenOverwriteKeepsOldFile() async throws {
        try await withStore { store, _ in
            let path = try ArtifactPath(validating: "keep.txt")
            try await store.write(path, body: chunks(Array("original".utf8)))
            _ = try? await store.write(path, body: FailingBody(chunksBeforeFailure: 2))
            #expect(try await read(store, path, 0..<8) == Array("original".utf8))
        }
    }

    @Test("listing gives sorted base names, sizes for files, and nil for files and missing paths")
    func listing() async throws {
        try await withStore { store, _ in
            try await store.write(try ArtifactPath(validating: "d/b.txt"), body: chunks(Array("bb".utf8)))
            try await store.write(try ArtifactPath(validating: "d/a.txt"), body: chunks(Array("a".utf8)))
            try await store.write(try ArtifactPath(validating: "d/sub/c.txt"), body: chunks(Array("c".utf8)))
            let entries = try await store.list(try ArtifactPath(validating: "d"))
            #expect(entries == [
                ArtifactEntry(name: "a.txt", item: .file(size: 1)),
                ArtifactEntry(name: "b.txt", item: .file(size: 2)),
                ArtifactEntry(name: "sub", item: .directory),
            ])
            #expect(try await store.list(try ArtifactPath(validating: "d/a.txt")) == nil)
            #expect(try await store.list(try ArtifactPath(validating: "missing")) == nil)
        }
    }

    @Test("the staging folder is neither listed nor reachable")
    func stagingIsHidden() async throws {
        try await withStore { store, _ in
            try await store.write(try ArtifactPath(validating: "x.txt"), body: chunks([1]))
            #expect(try await store.list(.root)?.map(\.name) == ["x.txt"])
            await #expect(throws: StrideError.self) {
                try await store.write(try ArtifactPath(validating: ".stride-uploads/evil"), body: chunks([1]))
            }
        }
    }

    @Test("deleting removes a file or a whole tree; deleting nothing is fine")
    func deletion() async throws {
        try await withStore { store, _ in
            try await store.write(try ArtifactPath(validating: "t/one.txt"), body: chunks([1]))
            try await store.write(try ArtifactPath(validating: "t/deep/two.txt"), body: chunks([2]))
            try await store.delete(try ArtifactPath(validating: "t/one.txt"))
            #expect(try await store.list(try ArtifactPath(validating: "t"))?.map(\.name) == ["deep"])
            try await store.delete(try ArtifactPath(validating: "t"))
            #expect(try await store.item(at: try ArtifactPath(validating: "t")) == nil)
            try await store.delete(try ArtifactPath(validating: "never/was"))
        }
    }

    @Test("a file cannot be written where a directory is, nor below a file")
    func writeConflicts() async throws {
        try await withStore { store, _ in
            try await store.write(try ArtifactPath(validating: "dir/file.txt"), body: chunks([1]))
            for target in ["dir", "dir/file.txt/inner.txt"] {
                await #expect {
                    try await store.write(try ArtifactPath(validating: target), body: chunks([2]))
                } throws: { ($0 as? StrideError)?.code == .invalidParameterValue }
            }
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

    @Test("a multipart upload joins its parts in order into one file")
    func multipart() async throws {
        try await withStore { store, _ in
            let destination = try ArtifactPath(validating: "big/model.bin")
            let upload = try await store.createMultipartUpload(to: destination, partCount: 3)
            let parts: [[UInt8]] = [Array(repeating: 1, count: 1000), Array(repeating: 2, count: 1000), [3, 3, 3]]
            var receipts: [MultipartPartReceipt] = []
            // Parts may arrive in any order.
            for number in [3, 1, 2] {
                receipts.append(try await store.writePart(number, of: upload, body: chunks(parts[number - 1])))
            }
            #expect(try await store.item(at: destination) == nil)
            try await store.completeMultipartUpload(upload, destination: destination, parts: receipts.sorted { $0.partNumber < $1.partNumber })
            #expect(try await read(store, destination, 0..<2003) == parts.flatMap { $0 })
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
