public import NIOCore
import NIOPosix
public import StrideDomain
public import StrideStore
import _NIOFileSystem

/// Multipart uploads on local disk: each part is its own staged file in `.stride-uploads/mpu-<id>/`,
/// and completing the upload joins them into one staged file that is renamed into place like any upload.
extension LocalArtifactStore {
    /// More parts than S3 allows is surely a mistake.
    public static let maxPartCount = 10_000

    /// What `createMultipartUpload` records so later calls cannot retarget the upload.
    struct UploadManifest: Equatable {
        var partCount: Int
        var destination: String

        var text: String { "\(partCount)\n\(destination)" }

        init(partCount: Int, destination: String) {
            self.partCount = partCount
            self.destination = destination
        }

        init?(text: String) {
            let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            guard lines.count == 2, let count = Int(lines[0]) else { return nil }
            self.init(partCount: count, destination: String(lines[1]))
        }
    }

    public func createMultipartUpload(to destination: ArtifactPath, partCount: Int) async throws -> MultipartUploadID {
        guard (1...Self.maxPartCount).contains(partCount) else {
            throw StrideError.invalidParameter("num_parts must be between 1 and \(Self.maxPartCount), got \(partCount)")
        }
        try await checkWritable(destination)
        let upload = MultipartUploadID.make()
        let folder = FilePath(uploadFolder(upload))
        try await fileSystem.createDirectory(at: folder, withIntermediateDirectories: false, permissions: nil)
        let manifest = UploadManifest(partCount: partCount, destination: destination.description)
        try await ByteBuffer(string: manifest.text).write(toFileAt: folder.appending("manifest"), fileSystem: fileSystem)
        return upload
    }

    public func writePart(
        _ partNumber: Int, of upload: MultipartUploadID, body: some AsyncSequence<ByteBuffer, any Error>
    ) async throws -> MultipartPartReceipt {
        let manifest = try await manifest(of: upload)
        guard (1...manifest.partCount).contains(partNumber) else {
            throw StrideError.invalidParameter("Part number \(partNumber) is outside 1...\(manifest.partCount) for upload \(upload)")
        }
        let staged = try await stage(body)
        let partPath = partFile(partNumber, of: upload)
        do {
            try await threadPool.runIfActive { try PosixFileSystem.rename(staged.path, to: partPath) }
        } catch {
            await discard(staged.path)
            throw error
        }
        return MultipartPartReceipt(partNumber: partNumber, etag: Self.etag(partNumber: partNumber, byteCount: staged.byteCount))
    }

    public func completeMultipartUpload(
        _ upload: MultipartUploadID, destination: ArtifactPath, parts: [MultipartPartReceipt]
    ) async throws {
        guard let manifest = try await manifest(of: upload, destination: destination) else { throw Self.unknownUpload(upload) }
        let partFiles = try await checkedPartFiles(parts, of: upload, manifest: manifest)
        let fileSystem = self.fileSystem
        let staged = try await stage { writer in
            var total: Int64 = 0
            for partFile in partFiles {
                try await fileSystem.withFileHandle(forReadingAt: FilePath(partFile)) { handle in
                    for try await chunk in handle.readChunks(in: 0..<Int64.max, chunkLength: .bytes(Self.readChunkBytes)) {
                        total += try await writer.write(contentsOf: chunk)
                    }
                }
            }
            return total
        }
        try await publish(staged.path, at: destination)
        try await fileSystem.removeItem(at: FilePath(uploadFolder(upload)), strategy: .platformDefault, recursively: true)
    }

    /// An upload opened for another destination (another path, or another project's root) is left
    /// alone, exactly as an unknown one: the id alone does not let anyone discard it.
    public func abortMultipartUpload(_ upload: MultipartUploadID, destination: ArtifactPath) async throws {
        guard try await manifest(of: upload, destination: destination) != nil else { return }
        try await fileSystem.removeItem(at: FilePath(uploadFolder(upload)), strategy: .platformDefault, recursively: true)
    }

    /// The part files to join, after checking the list is in order and every ETag matches what was stored.
    private func checkedPartFiles(
        _ parts: [MultipartPartReceipt], of upload: MultipartUploadID, manifest: UploadManifest
    ) async throws -> [String] {
        guard !parts.isEmpty else { throw StrideError.invalidParameter("A multipart upload needs at least one part") }
        var previous = 0
        var files: [String] = []
        for part in parts {
            guard part.partNumber > previous, part.partNumber <= manifest.partCount else {
                throw StrideError.invalidParameter("Parts must be listed once each, in increasing order, within 1...\(manifest.partCount)")
            }
            previous = part.partNumber
            let file = partFile(part.partNumber, of: upload)
            guard case .regularFile(let size)? = try await threadPool.runIfActive({ PosixFileSystem.kind(at: file) }) else {
                throw StrideError.invalidParameter("Part \(part.partNumber) of upload \(upload) was never uploaded")
            }
            guard Self.etag(partNumber: part.partNumber, byteCount: size) == Self.unquoted(part.etag) else {
                throw StrideError.invalidParameter("Part \(part.partNumber) of upload \(upload) does not match its ETag '\(part.etag)'")
            }
            files.append(file)
        }
        return files
    }

    /// The manifest of an upload opened for `destination`; nil for an unknown upload or one opened
    /// for another destination, so neither answer tells whether the id exists elsewhere.
    private func manifest(of upload: MultipartUploadID, destination: ArtifactPath) async throws -> UploadManifest? {
        let manifest: UploadManifest
        do {
            manifest = try await self.manifest(of: upload)
        } catch let error as StrideError where error.code == .resourceDoesNotExist {
            return nil
        }
        return manifest.destination == destination.description ? manifest : nil
    }

    static func unknownUpload(_ upload: MultipartUploadID) -> StrideError {
        .notFound("No multipart upload with id \(upload)")
    }

    private func manifest(of upload: MultipartUploadID) async throws -> UploadManifest {
        let path = FilePath(uploadFolder(upload)).appending("manifest")
        let buffer: ByteBuffer
        do {
            buffer = try await ByteBuffer(contentsOf: path, maximumSizeAllowed: .bytes(16 * 1024), fileSystem: fileSystem)
        } catch let error as FileSystemError where error.code == .notFound {
            throw Self.unknownUpload(upload)
        }
        guard let manifest = UploadManifest(text: String(buffer: buffer)) else {
            throw StrideError(.internalError, "The manifest of upload \(upload) is unreadable")
        }
        return manifest
    }

    private func uploadFolder(_ upload: MultipartUploadID) -> String {
        root.stagingDirectory + "/mpu-" + upload.value
    }

    private func partFile(_ partNumber: Int, of upload: MultipartUploadID) -> String {
        uploadFolder(upload) + "/part-\(partNumber)"
    }

    /// A part's tag: its number and size. Enough to catch a client completing with the wrong parts;
    /// it is not a content hash, which would cost a pass over every byte.
    static func etag(partNumber: Int, byteCount: Int64) -> String {
        "\(partNumber)-\(byteCount)"
    }

    static func unquoted(_ etag: String) -> String {
        etag.count >= 2 && etag.hasPrefix("\"") && etag.hasSuffix("\"") ? String(etag.dropFirst().dropLast()) : etag
    }
}
