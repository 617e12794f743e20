public import NIOCore
public import StrideDomain
public import StrideStore

/// The artifact use cases: MLflow's proxied artifact API and the UI's download helpers, over one store.
public struct ArtifactService: Sendable {
    let store: any ArtifactStore
    let tracking: TrackingService
    let resolver: ArtifactURIResolver
    let modelVersions: (any ModelVersionArtifactSource)?

    public init(
        store: any ArtifactStore, tracking: TrackingService, resolver: ArtifactURIResolver,
        modelVersions: (any ModelVersionArtifactSource)? = nil
    ) {
        self.store = store
        self.tracking = tracking
        self.resolver = resolver
        self.modelVersions = modelVersions
    }

    // MARK: The mlflow-artifacts API

    /// Streams an upload into the file at `path`; it becomes visible only once complete.
    public func upload(to path: ArtifactPath, body: some AsyncSequence<ByteBuffer, any Error>) async throws {
        guard !path.isRoot else {
            throw StrideError.invalidParameter("Artifact path must include a filename (cannot end with '/').")
        }
        try await store.write(path, body: body)
    }

    /// The entries of a directory; empty for a file or a missing path, which MLflow's client relies on.
    public func list(_ path: ArtifactPath) async throws -> [ArtifactEntry] {
        try await store.list(path) ?? []
    }

    /// Checks that `path` is a file and returns what a download response needs to know up front.
    public func download(_ path: ArtifactPath) async throws -> ArtifactDownload {
        switch try await store.item(at: path) {
        case .file(let size)?:
            return ArtifactDownload(path: path, size: size)
        case .directory? where !path.isRoot:
            throw StrideError.invalidParameter("Artifact path refers to a directory, not a file: '\(path)'")
        case .directory?, nil:
            throw StrideError.notFound("No such artifact: '\(path)'")
        }
    }

    /// Streams `range` of a checked download into `sink`.
    public func read(_ download: ArtifactDownload, range: Range<Int64>, into sink: (ByteBuffer) async throws -> Void) async throws {
        try await store.read(download.path, range: range, into: sink)
    }

    /// Deletes a file or a directory tree; the whole root is never deleted.
    public func delete(_ path: ArtifactPath) async throws {
        guard !path.isRoot else { throw StrideError.invalidParameter("Refusing to delete the artifact root") }
        try await store.delete(path)
    }

    // MARK: Multipart uploads

    /// Opens a multipart upload of the client file `clientFile` into `directory`, as MLflow's S3 store
    /// does: the artifact takes the client file's base name.
    public func createMultipartUpload(
        in directory: ArtifactPath, clientFile: String, partCount: Int
    ) async throws -> MultipartUploadID {
        try await store.createMultipartUpload(to: try Self.destination(directory, clientFile), partCount: partCount)
    }

    public func uploadPart(
        _ partNumber: Int, of upload: MultipartUploadID, body: some AsyncSequence<ByteBuffer, any Error>
    ) async throws -> MultipartPartReceipt {
        try await store.writePart(partNumber, of: upload, body: body)
    }

    public func completeMultipartUpload(
        _ upload: MultipartUploadID, in directory: ArtifactPath, clientFile: String, parts: [MultipartPartReceipt]
    ) async throws {
        try await store.completeMultipartUpload(upload, destination: try Self.destination(directory, clientFile), parts: parts)
    }

    public func abortMultipartUpload(_ upload: MultipartUploadID, in directory: ArtifactPath, clientFile: String) async throws {
        try await store.abortMultipartUpload(upload, destination: try Self.destination(directory, clientFile))
    }

    /// The client sends its own local path (`/home/me/model.bin`, maybe `C:\models\model.bin`);
    /// only the base name is used.
    static func destination(_ directory: ArtifactPath, _ clientFile: String) throws(StrideError) -> ArtifactPath {
        let baseName = clientFile.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }.last.map(String.init) ?? ""
        guard !baseName.isEmpty else { throw StrideError.missingValue("path") }
        return try directory.appending(name: baseName)
    }

    // MARK: UI helpers

    /// `GET /get-artifact`: a file of a run, by a path relative to the run's artifact root.
    public func runArtifact(runID: String, path: String) async throws -> ArtifactDownload {
        let relative = try ArtifactPath(validating: path)
        let run = try await tracking.run(id: runID)
        return try await download(try storePath(of: run.info.artifactURI, relative))
    }

    /// `GET /model-versions/get-artifact`: a file of a registered model version; needs the registry.
    public func modelVersionArtifact(name: String, version: String, path: String) async throws -> ArtifactDownload {
        let relative = try ArtifactPath(validating: path)
        guard let modelVersions else {
            throw StrideError(.notImplemented, "Model version artifacts need the model registry, which Stride does not serve yet")
        }
        let uri = try await modelVersions.downloadURI(modelName: name, version: version)
        return try await download(try storePath(of: uri, relative))
    }

    /// `GET /api/2.0/mlflow/artifacts/list`: a run's artifacts below `path`, paths relative to the run root.
    public func listRunArtifacts(runID: String, path: String?) async throws -> (rootURI: String, entries: [ArtifactEntry]) {
        let relative = try ArtifactPath(validating: path ?? "")
        let run = try await tracking.run(id: runID)
        let entries = try await list(try storePath(of: run.info.artifactURI, relative))
        let prefix = relative.isRoot ? "" : relative.description + "/"
        return (run.info.artifactURI, entries.map { ArtifactEntry(name: prefix + $0.name, item: $0.item) })
    }

    private func storePath(of artifactURI: String, _ relative: ArtifactPath) throws(StrideError) -> ArtifactPath {
        guard let root = try resolver.storePath(for: artifactURI) else {
            throw StrideError(.notImplemented, "Stride cannot read artifacts stored at '\(artifactURI)'")
        }
        return root.appending(relative)
    }
}

/// A file that exists and may be streamed: its store path and its size when checked.
public struct ArtifactDownload: Sendable, Equatable {
    public let path: ArtifactPath
    public let size: Int64

    /// The name a browser should save the file as.
    public var fileName: String { path.name ?? "artifact" }
}
