public import NIOCore
public import NIOPosix
public import StrideDomain
public import StrideStore
import _NIOFileSystem

/// Artifacts in a directory on local disk, streamed through NIO's file system in bounded chunks.
///
/// Uploads go to a staging folder inside the root (so the final rename never crosses file systems)
/// and are renamed into place only when the whole body has arrived.
public struct LocalArtifactStore: ArtifactStore {
    let root: ArtifactRoot
    let fileSystem: FileSystem
    let threadPool: NIOThreadPool

    /// Bytes read from disk per response chunk. Chunks are read one at a time: NIOFileSystem's
    /// read-ahead (`readChunks`) let tens of MB queue in front of a fast loopback socket.
    static let readChunkBytes: Int64 = 512 * 1024
    /// Bytes gathered from the request before each write to disk.
    static let writeBufferBytes: Int64 = 1024 * 1024
    /// Staged files older than this are leftovers of a crash and are removed when the store opens.
    static let stagingMaxAgeSeconds: Int64 = 24 * 60 * 60

    /// Opens (creating if needed) the artifact directory at `directory`.
    public static func open(directory: String, threadPool: NIOThreadPool = .singleton) async throws -> LocalArtifactStore {
        let fileSystem = FileSystem(threadPool: threadPool)
        try await fileSystem.createDirectory(at: FilePath(directory), withIntermediateDirectories: true, permissions: nil)
        guard let resolved = PosixFileSystem.realPath(directory) else {
            throw PosixError(call: "realpath", path: directory, code: 2)
        }
        let store = LocalArtifactStore(root: ArtifactRoot(directory: resolved), fileSystem: fileSystem, threadPool: threadPool)
        try await store.prepareStaging()
        return store
    }

    /// The absolute directory this store writes to.
    public var directory: String { root.directory }

    // MARK: Reading

    public func item(at path: ArtifactPath) async throws -> ArtifactItem? {
        try await locate(path).item
    }

    public func list(_ path: ArtifactPath) async throws -> [ArtifactEntry]? {
        let root = self.root
        return try await threadPool.runIfActive { () throws -> [ArtifactEntry]? in
            let location = try root.locate(path)
            guard location.item == .directory else { return nil }
            var entries: [ArtifactEntry] = []
            for (name, kind) in try PosixFileSystem.entries(of: location.filePath) {
                if path.isRoot && name == ArtifactRoot.stagingName { continue }
                switch kind {
                case .regularFile(let size): entries.append(ArtifactEntry(name: name, item: .file(size: size)))
                case .directory: entries.append(ArtifactEntry(name: name, item: .directory))
                case .symbolicLink:
                    // Listed only when it stays inside the root; otherwise it could never be read anyway.
                    guard let child = try? path.appending(name: name), let item = try? root.locate(child).item else { continue }
                    entries.append(ArtifactEntry(name: name, item: item))
                case .other: continue
                }
            }
            return entries.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        }
    }

    public func read(_ path: ArtifactPath, range: Range<Int64>, into sink: (ByteBuffer) async throws -> Void) async throws {
        let location = try await locate(path)
        guard case .file = location.item else { throw StrideError.notFound("No such artifact: '\(path)'") }
        guard !range.isEmpty else { return }
        try await fileSystem.withFileHandle(forReadingAt: FilePath(location.filePath)) { handle in
            var offset = range.lowerBound
            while offset < range.upperBound {
                let length = min(Self.readChunkBytes, range.upperBound - offset)
                let chunk = try await handle.readChunk(fromAbsoluteOffset: offset, length: .bytes(length))
                guard chunk.readableBytes > 0 else { break }
                offset += Int64(chunk.readableBytes)
                try await sink(chunk)
            }
        }
    }

    // MARK: Writing

    @discardableResult
    public func write(_ path: ArtifactPath, body: some AsyncSequence<ByteBuffer, any Error>) async throws -> Int64 {
        try await checkWritable(path)
        let staged = try await stage(body)
        try await publish(staged.path, at: path)
        return staged.byteCount
    }

    public func delete(_ path: ArtifactPath) async throws {
        let location = try await locate(path)
        guard location.item != nil else { return }
        try await fileSystem.removeItem(at: FilePath(location.filePath), strategy: .platformDefault, recursively: true)
    }

    /// Refuses a write before its body is read when the target is a directory or lies below a file.
    func checkWritable(_ path: ArtifactPath) async throws {
        let location = try await locate(path)
        if let blocking = location.blockingFile {
            throw StrideError.invalidParameter("Cannot write '\(path)': '\(blocking)' is a file, not a directory")
        }
        if location.item == .directory {
            throw StrideError.invalidParameter("Cannot write '\(path)': it is a directory")
        }
    }

    /// Streams `body` into a new file in the staging folder; on any failure the file is removed.
    func stage(_ body: some AsyncSequence<ByteBuffer, any Error>) async throws -> (path: String, byteCount: Int64) {
        try await stage { writer in
            var total: Int64 = 0
            for try await chunk in body {
                total += try await writer.write(contentsOf: chunk)
            }
            return total
        }
    }

    /// Creates a new file in the staging folder and lets `fill` write it; on any failure the file is removed.
    func stage(
        _ fill: (inout BufferedWriter<WriteFileHandle>) async throws -> Int64
    ) async throws -> (path: String, byteCount: Int64) {
        let stagedPath = root.stagingDirectory + "/" + RunIDGenerator.make()
        let options = OpenOptions.Write(existingFile: .none, newFile: .init(permissions: nil, transactionalCreation: false))
        do {
            let byteCount = try await fileSystem.withFileHandle(forWritingAt: FilePath(stagedPath), options: options) { handle in
                try await handle.withBufferedWriter(capacity: .bytes(Self.writeBufferBytes)) { writer in
                    try await fill(&writer)
                }
            }
            return (stagedPath, byteCount)
        } catch {
            await discard(stagedPath)
            throw error
        }
    }

    /// Moves a staged file to `path` in one `rename`, creating the directories above it first; a
    /// staged file that cannot be published is removed.
    func publish(_ stagedPath: String, at path: ArtifactPath) async throws {
        let root = self.root
        do {
            try await threadPool.runIfActive {
                try root.makeParentDirectories(of: path)
                let location = try root.locate(path)
                if location.item == .directory {
                    throw StrideError.invalidParameter("Cannot write '\(path)': it is a directory")
                }
                try PosixFileSystem.rename(stagedPath, to: location.filePath)
            }
        } catch {
            await discard(stagedPath)
            throw error
        }
    }

    /// Removes a staged file that will not be published; it may already be gone.
    func discard(_ stagedPath: String) async {
        _ = try? await fileSystem.removeItem(at: FilePath(stagedPath), strategy: .platformDefault, recursively: false)
    }

    func locate(_ path: ArtifactPath) async throws -> ArtifactRoot.Location {
        let root = self.root
        return try await threadPool.runIfActive { try root.locate(path) }
    }

    /// Creates the staging folder and removes what a crashed process left there long ago.
    ///
    /// Recent entries stay: another Stride process may share this root and be uploading right now.
    private func prepareStaging() async throws {
        let staging = FilePath(root.stagingDirectory)
        try await fileSystem.createDirectory(at: staging, withIntermediateDirectories: true, permissions: nil)
        let cutoff = PosixFileSystem.secondsSinceEpoch() - Self.stagingMaxAgeSeconds
        for entry in try await stagedEntries() {
            guard let info = try await fileSystem.info(forFileAt: entry, infoAboutSymbolicLink: true),
                Int64(info.lastDataModificationTime.seconds) < cutoff
            else { continue }
            try await fileSystem.removeItem(at: entry, strategy: .platformDefault, recursively: true)
        }
    }

    private func stagedEntries() async throws -> [FilePath] {
        try await fileSystem.withDirectoryHandle(atPath: FilePath(root.stagingDirectory)) { directory in
            var paths: [FilePath] = []
            for try await entry in directory.listContents() { paths.append(entry.path) }
            return paths
        }
    }
}
