public import NIOCore
public import StrideDomain
public import StrideStore

/// The artifact use cases: MLflow's proxied artifact API and the UI's download helpers, over one store.
public struct ArtifactService: Sendable {
    let store: any ArtifactStore
    let tracking: TrackingService
    let resolver: ArtifactURIResolver
    let modelVersions: (any ModelVersionArtifactSource)?
    let territory: ProjectArtifactTerritory
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
        self.territory = ProjectArtifactTerritory(ownership: tracking.ownership)
        self.loggedModels = loggedModels
    }

    // MARK: The mlflow-artifacts API

    // Paths in these calls are relative to the project's artifact root (``ProjectArtifactRoot``);
    // each becomes a store path and passes the project-scope rule (``ProjectArtifactTerritory``).
    // Another project's path reads as missing and is refused for writes as an unknown one is.

    /// Streams an upload into the file at `path`; it becomes visible only once complete.
    /// `declaredLength` is the sender's `Content-Length`, when it sent one.
    public func upload(
        to path: ArtifactPath, body: some AsyncSequence<ByteBuffer, any Error> & Sendable, declaredLength: Int64? = nil,
        project: String = ProjectContext.current
    ) async throws {
        guard !path.isRoot else {
            throw StrideError.invalidParameter("Artifact path must include a filename (cannot end with '/').")
        }
        let target = try await writablePath(path, project: project)
        let written =
            if let declaredLength {
                try await store.write(target, body: body, declaredLength: declaredLength)
            } else {
                try await store.write(target, body: body)
            }
        tracking.counters.artifactBytesWritten(written)
    }

    /// The entries of a directory; empty for a file or a missing path, which MLflow's client relies on.
    public func list(_ path: ArtifactPath, project: String = ProjectContext.current) async throws -> [ArtifactEntry] {
        let target = try ProjectArtifactRoot.storePath(path, project: project)
        return try await listing(target, project: project)
    }

    /// Checks that `path` is a file and returns what a download response needs to know up front.
    public func download(_ path: ArtifactPath, project: String = ProjectContext.current) async throws -> ArtifactDownload {
        try await storeDownload(try ProjectArtifactRoot.storePath(path, project: project), named: path, project: project)
    }

    /// A file in the project's territory, or `RESOURCE_DOES_NOT_EXIST` naming only what the client named.
    func storeDownload(_ path: ArtifactPath, named shown: ArtifactPath, project: String) async throws -> ArtifactDownload {
        guard try await territory.contains(path, project: project) else { throw Self.missing(shown) }
        switch try await store.item(at: path) {
        case .file(let size)?:
            return ArtifactDownload(path: path, size: size)
        case .directory?:
            throw StrideError.invalidParameter("Artifact path refers to a directory, not a file: '\(shown)'")
        case nil:
            throw Self.missing(shown)
        }
    }

    /// A directory's entries when it lies in the project's territory; `default`'s root leaves out
    /// what belongs to other projects.
    private func listing(_ path: ArtifactPath, project: String) async throws -> [ArtifactEntry] {
        if path.isRoot && project == Project.defaultName {
            return try await territory.visibleRootEntries(try await store.list(path) ?? [], project: project)
        }
        guard try await territory.contains(path, project: project) else { return [] }
        return try await store.list(path) ?? []
    }

    /// Streams `range` of a checked download into `sink`.
    public func read(_ download: ArtifactDownload, range: Range<Int64>, into sink: (ByteBuffer) async throws -> Void) async throws {
        let counters = tracking.counters
        try await store.read(download.path, range: range) { chunk in
            try await sink(chunk)
            counters.artifactBytesRead(chunk.readableBytes)
        }
    }

    /// Deletes a file or a directory tree; the whole root is never deleted, and another project's
    /// path is left alone as a missing one is.
    public func delete(_ path: ArtifactPath, project: String = ProjectContext.current) async throws {
        guard !path.isRoot else { throw StrideError.invalidParameter("Refusing to delete the artifact root") }
        let target = try ProjectArtifactRoot.storePath(path, project: project)
        guard try await territory.contains(target, project: project) else { return }
        try await store.delete(target)
    }

    /// The store path a write to `path` goes to; a path outside the project's territory (another
    /// project's experiment folder, or one of no experiment yet) is refused with one answer for both.
    private func writablePath(_ path: ArtifactPath, project: String) async throws -> ArtifactPath {
        let target = try ProjectArtifactRoot.storePath(path, project: project)
        guard try await territory.contains(target, project: project) else {
            throw StrideError.invalidParameter(
                "Cannot write '\(path)': a path that starts with a number is an experiment's folder, and no such experiment exists in this project.")
        }
        return target
    }

    private static func missing(_ path: ArtifactPath) -> StrideError {
        .notFound("No such artifact: '\(path)'")
    }

    /// Removes every file of a project (its whole folder); `default`'s files are the store's root and stay.
    func removeFiles(ofProject project: String) async throws {
        guard let folder = try ProjectArtifactRoot.folder(of: project) else { return }
        try await store.delete(folder)
    }

    // MARK: Multipart uploads

    /// Opens a multipart upload of the client file `clientFile` into `directory`, as MLflow's S3 store
    /// does: the artifact takes the client file's base name. The upload is bound to that destination
    /// (which includes the project's root): completing or aborting it elsewhere finds no upload.
    public func createMultipartUpload(
        in directory: ArtifactPath, clientFile: String, partCount: Int, project: String = ProjectContext.current
    ) async throws -> MultipartUploadID {
        try await store.createMultipartUpload(to: try await writablePath(try Self.destination(directory, clientFile), project: project), partCount: partCount)
    }

    /// URLs that take the parts of `upload` straight to the storage, when the store offers them
    /// (S3 with presigned part URLs); nil means parts go through this server.
    public func directPartURLs(
        for upload: MultipartUploadID, in directory: ArtifactPath, clientFile: String, partCount: Int, project: String = ProjectContext.current
    ) async throws -> [String]? {
        guard let direct = store as? any DirectPartUploads else { return nil }
        let destination = try ProjectArtifactRoot.storePath(try Self.destination(directory, clientFile), project: project)
        return try await direct.directPartURLs(for: upload, destination: destination, partCount: partCount)
    }

    public func uploadPart(
        _ partNumber: Int, of upload: MultipartUploadID, body: some AsyncSequence<ByteBuffer, any Error>
    ) async throws -> MultipartPartReceipt {
        try await store.writePart(partNumber, of: upload, body: body)
    }

    public func completeMultipartUpload(
        _ upload: MultipartUploadID, in directory: ArtifactPath, clientFile: String, parts: [MultipartPartReceipt], project: String = ProjectContext.current
    ) async throws {
        let destination = try await writablePath(try Self.destination(directory, clientFile), project: project)
        try await store.completeMultipartUpload(upload, destination: destination, parts: parts)
    }

    public func abortMultipartUpload(_ upload: MultipartUploadID, in directory: ArtifactPath, clientFile: String, project: String = ProjectContext.current) async throws {
        let destination = try ProjectArtifactRoot.storePath(try Self.destination(directory, clientFile), project: project)
        guard try await territory.contains(destination, project: project) else { return }
        try await store.abortMultipartUpload(upload, destination: destination)
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
        return try await storeDownload(try storePath(of: run.info.artifactURI, relative, project: project), named: relative, project: project)
    }

    /// `GET /model-versions/get-artifact`: a file of a registered model version; needs the registry.
    /// The version's source must lie in its own project's files: a source naming another project's
    /// files (or the whole store) reads as a missing file.
    public func modelVersionArtifact(name: String, version: String, path: String, project: String = ProjectContext.current) async throws -> ArtifactDownload {
        let relative = try ArtifactPath(validating: path)
        guard let modelVersions else {
            throw StrideError(.notImplemented, "Model version artifacts need the model registry, which Stride does not serve yet")
        }
        let uri = try await modelVersions.downloadURI(modelName: name, version: version, project: project)
        return try await storeDownload(try storePath(of: uri, relative, project: project), named: relative, project: project)
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
        let target = try storePath(of: run.info.artifactURI, path, project: project)
        guard try await territory.contains(target, project: project) else {
            throw StrideError.invalidParameter("Cannot write '\(path)': the run's artifact location lies outside this project.")
        }
        tracking.counters.artifactBytesWritten(try await store.write(target, body: body))
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
        return try await storeDownload(try storePath(of: location, relative, project: project), named: relative, project: project)
    }

    private func loggedModelLocation(_ id: String, project: String) async throws -> String {
        guard let loggedModels else { throw StrideError.notFound("Logged model with ID '\(id)' not found.") }
        return try await loggedModels.model(id: id, project: project).artifactURI
    }

    /// The entries below `relative` in the artifacts at `artifactURI`, named relative to that URI.
    private func listing(below artifactURI: String, _ relative: ArtifactPath, project: String) async throws -> [ArtifactEntry] {
        let entries = try await listing(try storePath(of: artifactURI, relative, project: project), project: project)
        let prefix = relative.isRoot ? "" : relative.description + "/"
        return entries.map { ArtifactEntry(name: prefix + $0.name, item: $0.item) }
    }

    /// A run's or version's artifact URI as a store path: an `mlflow-artifacts:` URI is relative to
    /// the owning project's root, as the proxy wrote it; a `file:` URI or local path names the store
    /// directly. Callers check the result against the project's territory.
    func storePath(of artifactURI: String, _ relative: ArtifactPath, project: String) throws(StrideError) -> ArtifactPath {
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
