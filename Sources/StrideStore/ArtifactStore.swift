public import NIOCore
public import StrideDomain

/// Where artifact bytes live: local disk today, an S3-compatible bucket later.
///
/// Every method takes an `ArtifactPath`, so no implementation ever sees an unchecked client path.
/// Bodies stream in and out as `ByteBuffer` chunks, so no implementation holds a whole file in memory.
/// Misses are values (`nil`, an empty listing), not errors; client mistakes are `StrideError`s.
public protocol ArtifactStore: Sendable {
    /// What is at `path`: a file and its size, a directory, or nil when nothing is.
    func item(at path: ArtifactPath) async throws -> ArtifactItem?

    /// The entries of the directory at `path`, sorted by name; nil when `path` is not a directory.
    func list(_ path: ArtifactPath) async throws -> [ArtifactEntry]?

    /// Streams `body` into the file at `path`, replacing any file there, and returns the byte count.
    ///
    /// The file appears only once the body has arrived in full: a body that fails part way leaves
    /// nothing behind, neither a partial file nor a previous file's truncation.
    @discardableResult
    func write(_ path: ArtifactPath, body: some AsyncSequence<ByteBuffer, any Error>) async throws -> Int64

    /// `write(_:body:)` for a body whose length the sender declared up front (HTTP's
    /// `Content-Length`), which lets a store pass it on as one stream. The body holds exactly that many
    /// bytes (HTTP's framing sees to it); one that fails part way leaves nothing behind, as above.
    @discardableResult
    func write(_ path: ArtifactPath, body: some AsyncSequence<ByteBuffer, any Error> & Sendable, declaredLength: Int64) async throws -> Int64

    /// Streams the bytes of `range` of the file at `path` into `sink`, in chunks of bounded size.
    func read(_ path: ArtifactPath, range: Range<Int64>, into sink: (ByteBuffer) async throws -> Void) async throws

    /// Removes the file or directory tree at `path`; nothing there is not an error.
    func delete(_ path: ArtifactPath) async throws

    /// Opens a multipart upload of `partCount` parts that `completeMultipartUpload` will publish at `destination`.
    func createMultipartUpload(to destination: ArtifactPath, partCount: Int) async throws -> MultipartUploadID

    /// Stores one part; a part sent again replaces the earlier one.
    func writePart(
        _ partNumber: Int, of upload: MultipartUploadID, body: some AsyncSequence<ByteBuffer, any Error>
    ) async throws -> MultipartPartReceipt

    /// Joins `parts`, in order, into the file at `destination` (the one the upload was opened for).
    func completeMultipartUpload(_ upload: MultipartUploadID, destination: ArtifactPath, parts: [MultipartPartReceipt]) async throws

    /// Discards an upload and its parts; an unknown upload is not an error.
    func abortMultipartUpload(_ upload: MultipartUploadID, destination: ArtifactPath) async throws
}

extension ArtifactStore {
    /// Stores that gain nothing from knowing the length ahead write as usual.
    @discardableResult
    public func write(_ path: ArtifactPath, body: some AsyncSequence<ByteBuffer, any Error> & Sendable, declaredLength: Int64) async throws -> Int64 {
        try await write(path, body: body)
    }
}
