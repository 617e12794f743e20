public import NIOCore
public import StrideDomain
public import StrideStore

/// Multipart uploads on S3: Stride's upload id names a small manifest object in `.stride-uploads/`
/// that holds the part count, the destination and S3's own upload id, so any Stride instance
/// sharing the bucket can continue an upload, and no id retargets an upload to another destination.
extension S3ArtifactStore: DirectPartUploads {
    /// S3's limit on parts.
    public static let maxPartCount = 10_000

    /// What `createMultipartUpload` records.
    struct UploadManifest: Equatable {
        var partCount: Int
        var destination: String
        var s3UploadID: String

        var text: String { "\(partCount)\n\(destination)\n\(s3UploadID)" }

        init(partCount: Int, destination: String, s3UploadID: String) {
            self.partCount = partCount
            self.destination = destination
            self.s3UploadID = s3UploadID
        }

        init?(text: String) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            guard lines.count == 3, let count = Int(lines[0]) else { return nil }
            self.init(partCount: count, destination: String(lines[1]), s3UploadID: String(lines[2]))
        }
    }

    public func createMultipartUpload(to destination: ArtifactPath, partCount: Int) async throws -> MultipartUploadID {
        guard (1...Self.maxPartCount).contains(partCount) else {
            throw StrideError.invalidParameter("num_parts must be between 1 and \(Self.maxPartCount), got \(partCount)")
        }
        try await checkWritable(destination)
        let upload = MultipartUploadID.make()
        try await mapped {
            let s3UploadID = try await client.createMultipartUpload(try key(destination))
            let manifest = UploadManifest(partCount: partCount, destination: destination.description, s3UploadID: s3UploadID)
            try await client.putObject(manifestKey(upload), body: ByteBuffer(string: manifest.text))
        }
        return upload
    }

    public func directPartURLs(for upload: MultipartUploadID, destination: ArtifactPath, partCount: Int) async throws -> [String]? {
        guard presignsParts else { return nil }
        guard let manifest = try await manifest(of: upload, destination: destination) else { throw Self.unknownUpload(upload) }
        let key = try self.key(destination)
        var urls: [String] = []
        for number in 1...min(partCount, manifest.partCount) {
            urls.append(try await mapped { try await client.presignedPartURL(key, uploadID: manifest.s3UploadID, partNumber: number) })
        }
        return urls
    }

    public func writePart(
        _ partNumber: Int, of upload: MultipartUploadID, body: some AsyncSequence<ByteBuffer, any Error>
    ) async throws -> MultipartPartReceipt {
        guard let manifest = try await manifest(of: upload) else { throw Self.unknownUpload(upload) }
        guard (1...manifest.partCount).contains(partNumber) else {
            throw StrideError.invalidParameter("Part number \(partNumber) is outside 1...\(manifest.partCount) for upload \(upload)")
        }
        var part = ByteBuffer()
        for try await chunk in body {
            guard part.readableBytes + chunk.readableBytes <= Limits.maxProxiedPartBytes else {
                throw StrideError.invalidParameter("A part may hold at most \(Limits.maxProxiedPartBytes) bytes when parts go through the server")
            }
            part.writeImmutableBuffer(chunk)
        }
        let destination = try ArtifactPath(validating: manifest.destination)
        let etag = try await mapped {
            try await client.uploadPart(try key(destination), uploadID: manifest.s3UploadID, partNumber: partNumber, body: part)
        }
        return MultipartPartReceipt(partNumber: partNumber, etag: Self.unquoted(etag))
    }

    public func completeMultipartUpload(_ upload: MultipartUploadID, destination: ArtifactPath, parts: [MultipartPartReceipt]) async throws {
        guard let manifest = try await manifest(of: upload, destination: destination) else { throw Self.unknownUpload(upload) }
        guard !parts.isEmpty else { throw StrideError.invalidParameter("A multipart upload needs at least one part") }
        var previous = 0
        for part in parts {
            guard part.partNumber > previous, part.partNumber <= manifest.partCount else {
                throw StrideError.invalidParameter("Parts must be listed once each, in increasing order, within 1...\(manifest.partCount)")
            }
            previous = part.partNumber
        }
        try await mapped {
            do {
                try await client.completeMultipartUpload(
                    try key(destination), uploadID: manifest.s3UploadID, parts: parts.map { ($0.partNumber, $0.etag) })
            } catch let refusal as S3ServiceError where ["InvalidPart", "InvalidPartOrder", "EntityTooSmall"].contains(refusal.code) {
                throw StrideError.invalidParameter("The parts of upload \(upload) do not match what was uploaded: \(refusal.code)")
            } catch let refusal as S3ServiceError where refusal.code == "NoSuchUpload" {
                throw Self.unknownUpload(upload)
            }
            try await client.deleteObject(manifestKey(upload))
        }
    }

    /// An upload opened for another destination is left alone, exactly as an unknown one.
    public func abortMultipartUpload(_ upload: MultipartUploadID, destination: ArtifactPath) async throws {
        guard let manifest = try await manifest(of: upload, destination: destination) else { return }
        try await mapped {
            try await client.abortMultipartUpload(try key(destination), uploadID: manifest.s3UploadID)
            try await client.deleteObject(manifestKey(upload))
        }
    }

    /// The manifest of an upload opened for `destination`; nil for an unknown upload or one opened elsewhere.
    private func manifest(of upload: MultipartUploadID, destination: ArtifactPath) async throws -> UploadManifest? {
        guard let manifest = try await manifest(of: upload), manifest.destination == destination.description else { return nil }
        return manifest
    }

    private func manifest(of upload: MultipartUploadID) async throws -> UploadManifest? {
        guard let buffer = try await mapped({ try await client.smallObject(manifestKey(upload), maxBytes: 16 * 1024) }) else { return nil }
        guard let manifest = UploadManifest(text: String(buffer: buffer)) else {
            throw StrideError(.internalError, "The manifest of upload \(upload) is unreadable")
        }
        return manifest
    }

    private func manifestKey(_ upload: MultipartUploadID) -> String {
        rootPrefix + Self.stagingName + "/mpu-" + upload.value
    }

    static func unknownUpload(_ upload: MultipartUploadID) -> StrideError {
        .notFound("No multipart upload with id \(upload)")
    }

    static func unquoted(_ etag: String) -> String {
        etag.count >= 2 && etag.hasPrefix("\"") && etag.hasSuffix("\"") ? String(etag.dropFirst().dropLast()) : etag
    }
}
