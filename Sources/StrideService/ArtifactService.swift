public import NIOCore
public import StrideDomain
public import StrideStore

/// The artifact use cases: MLflow's proxied artifact API and the UI's download helpers, over one store.
public struct ArtifactService: Sendable {
    let store: any ArtifactStore
    let tracking: TrackingService
    let resolver: ArtifactURIResolver
    let modelVersions: (any ModelVersionArtifactSource)?
    /// Logged models, whose files the UI lists and downloads; nil leaves those routes answering 404.
    let loggedModels: LoggedModelService?

    public init(
        store: any ArtifactStore, tracking: TrackingService, resolver: ArtifactURIResolver,
        modelVersions: (any ModelVersionArtifactSource)? = nil, loggedModels: LoggedModelService? = nil
    ) {
        self.store = store
        self.tracking = tracking
        self.resolver = resolver
        self.modelVersions = modelVersions
        self.loggedModels = loggedModels
    }

    // MARK: The mlflow-artifacts API

    // Paths in these calls are relative to the project's artifact root (``ProjectArtifactRoot``).

    /// Streams an upload into the file at `path`; it becomes visible only once complete.
    public func upload(to path: ArtifactPath, body: some AsyncSequence<ByteBuffer, any Error>, project: String = ProjectContext.current) async throws {
        guard !path.isRoot else {
            throw StrideError.invalidParameter("Artifact path must include a filename (cannot end with '/').")
        }
        try await store.write(try ProjectArtifactRoot.storePath(path, project: project), body: body)
    }

    /// The entries of a directory; empty for a file or a missing path, which MLflow's client relies on.
    public func list(_ path: ArtifactPath, project: String = ProjectContext.current) async throws -> [ArtifactEntry] {
        try await store.list(try ProjectArtifactRoot.storePath(path, project: project)) ?? []
    }

    /// Checks that `path` is a file and returns what a download response needs to know up front.
    public func download(_ path: ArtifactPath, project: String = ProjectContext.current) async throws -> ArtifactDownload {
        try await storeDownload(try ProjectArtifactRoot.storePath(path, project: project))
    }

    private func storeDownload(_ path: ArtifactPath) async throws -> ArtifactDownload {
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
    public func delete(_ path: ArtifactPath, project: String = ProjectContext.current) async throws {
        guard !path.isRoot else { throw StrideError.invalidParameter("Refusing to delete the artifact root") }
        try await store.delete(try ProjectArtifactRoot.storePath(path, project: project))
    }

    // MARK: Multipart uploads

    /// Opens a multipart upload of the client file `clientFile` into `directory`, as MLflow's S3 store
    /// does: the artifact takes the client file's base name.
    public func createMultipartUpload(
        in directory: ArtifactPath, clientFile: String, partCount: Int, project: String = ProjectContext.current
    ) async throws -> MultipartUploadID {
        let directory = try ProjectArtifactRoot.storePath(directory, project: project)
        return try await store.createMultipartUpload(to: try Self.destination(directory, clientFile), partCount: partCount)
    }

    public func uploadPart(
        _ partNumber: Int, of upload: MultipartUploadID, body: some AsyncSequence<ByteBuffer, any Error>
    ) async throws -> MultipartPartReceipt {
        try await store.writePart(partNumber, of: upload, body: body)
    }

    public func completeMultipartUpload(
        _ upload: MultipartUploadID, in directory: ArtifactPath, clientFile: String, parts: [MultipartPartReceipt], project: String = ProjectContext.current
    ) async throws {
        let directory = try ProjectArtifactRoot.storePath(directory, project: project)
        try await store.completeMultipartUpload(upload, destination: try Self.destination(directory, clientFile), parts: parts)
    }

    public func abortMultipartUpload(_ upload: MultipartUploadID, in directory: ArtifactPath, clientFile: String, project: String = ProjectContext.current) async throws {
        let directory = try ProjectArtifactRoot.storePath(directory, project: project)
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
    public func runArtifact(runID: String, path: String, project: String = ProjectContext.current) async throws -> ArtifactDownload {
        let relative = try ArtifactPath(validating: path)
        let run = try await tracking.run(id: runID, project: project)
        return try await storeDownload(try storePath(of: run.info.artifactURI, relative, project: project))
    }

    /// `GET /model-versions/get-artifact`: a file of a registered model version; needs the registry.
    public func modelVersionArtifact(name: String, version: String, path: String, project: String = ProjectContext.current) async throws -> ArtifactDownload {
        let relative = try ArtifactPath(validating: path)
        guard let modelVersions else {
            throw StrideError(.notImplemented, "Model version artifacts need the model registry, which Stride does not serve yet")
        }
        let uri = try await modelVersions.downloadURI(modelName: name, version: version, project: project)
        return try await storeDownload(try storePath(of: uri, relative, project: project))
    }

    /// `GET /api/2.0/mlflow/artifacts/list`: a run's artifacts below `path`, paths relative to the run root.
    public func listRunArtifacts(runID: String, path: String?, project: String = ProjectContext.current) async throws -> (rootURI: String, entries: [ArtifactEntry]) {
        let relative = try ArtifactPath(validating: path ?? "")
        let run = try await tracking.run(id: runID, project: project)
        return (run.info.artifactURI, try await listing(below: run.info.artifactURI, relative, project: project))
    }

    /// `POST /ajax-api/2.0/mlflow/upload-artifact`: the UI's upload of one file into a run's artifacts.
    public func uploadRunArtifact(
        runID: String, path: ArtifactPath, body: some AsyncSequence<ByteBuffer, any Error>, project: String = ProjectContext.current
    ) async throws {
        guard !path.isRoot else { throw StrideError.invalidParameter("Request must specify path.") }
        let run = try await tracking.run(id: runID, project: project)
        try await store.write(try storePath(of: run.info.artifactURI, path, project: project), body: body)
    }

    /// `GET /ajax-api/2.0/mlflow/logged-models/<id>/artifacts/directories`: a logged model's files below
    /// `path`, paths relative to the model's root.
    public func listLoggedModelArtifacts(modelID: String, path: String?, project: String = ProjectContext.current) async throws
        -> (rootURI: String, entries: [ArtifactEntry])
    {
        let relative = try ArtifactPath(validating: path ?? "")
        let location = try await loggedModelLocation(modelID, project: project)
        return (location, try await listing(below: location, relative, project: project))
    }

    /// `GET /ajax-api/2.0/mlflow/logged-models/<id>/artifacts/files?artifact_file_path=`: one file of a logged model.
    public func loggedModelArtifact(modelID: String, path: String, project: String = ProjectContext.current) async throws -> ArtifactDownload {
        let relative = try ArtifactPath(validating: path)
        let location = try await loggedModelLocation(modelID, project: project)
        return try await storeDownload(try storePath(of: location, relative, project: project))
    }

    private func loggedModelLocation(_ id: String, project: String) async throws -> String {
        guard let loggedModels else { throw StrideError.notFound("Logged model with ID '\(id)' not found.") }
        return try await loggedModels.model(id: id, project: project).artifactURI
    }

    /// The entries below `relative` in the artifacts at `artifactURI`, named relative to that URI.
    private func listing(below artifactURI: String, _ relative: ArtifactPath, project: String) async throws -> [ArtifactEntry] {
        let entries = try await store.list(try storePath(of: artifactURI, relative, project: project)) ?? []
        let prefix = relative.isRoot ? "" : relative.description + "/"
        return entries.map { ArtifactEntry(name: prefix + $0.name, item: $0.item) }
    }

    /// A run's or version's artifact URI as a store path: an `mlflow-artifacts:` URI is relative to
    /// the owning project's root, as the proxy wrote it.
    private func storePath(of artifactURI: String, _ relative: ArtifactPath, project: String) throws(StrideError) -> ArtifactPath {
        guard let root = try resolver.storePath(for: artifactURI) else {
            throw StrideError(.notImplemented, "Stride cannot read artifacts stored at '\(artifactURI)'")
        }
        guard artifactURI.hasPrefix(ArtifactURIResolver.proxiedScheme) else { return root.appending(relative) }
        return try ProjectArtifactRoot.storePath(root.appending(relative), project: project)
    }
}

/// A file that exists and may be streamed: its store path and its size when checked.
public struct ArtifactDownload: Sendable, Equatable {
    public let path: ArtifactPath
    public let size: Int64

    /// The name a browser should save the file as.
    public var fileName: String { path.name ?? "artifact" }
}
