import Foundation
public import NIOCore
public import StrideService

/// MLflow's artifact files on local disk, listed and read for `stride import` to copy.
public struct LocalSourceFiles: SourceFiles {
    /// Bytes per chunk read from a file.
    static let chunkSize = 1 << 20

    public init() {}

    public func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    public func files(below folder: String) async throws -> [(path: String, size: Int64)] {
        guard isFolder(folder) else { return [] }
        let base = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
        guard let walk = FileManager.default.enumerator(
            at: base, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey], options: [])
        else { return [] }
        var found: [(path: String, size: Int64)] = []
        let prefix = base.path.hasSuffix("/") ? base.path : base.path + "/"
        for case let url as URL in walk {
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values.isRegularFile == true else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(prefix) else { continue }
            found.append((String(path.dropFirst(prefix.count)), Int64(values.fileSize ?? 0)))
        }
        return found.sorted { $0.path < $1.path }
    }

    /// Read on demand, one chunk per request, so a slow writer never lets chunks pile up.
    public func contents(of path: String) -> AsyncThrowingStream<ByteBuffer, any Error> {
        let reader = ChunkReader(path: path)
        return AsyncThrowingStream(unfolding: { try reader.next() })
    }
}

/// A file read chunk by chunk, closed once read to the end.
private final class ChunkReader: @unchecked Sendable {
    // Only the stream's one consumer calls `next`, one call at a time.
    private let path: String
    private var handle: FileHandle?
    private var finished = false

    init(path: String) {
        self.path = path
    }

    func next() throws -> ByteBuffer? {
        guard !finished else { return nil }
        if handle == nil {
            guard let opened = FileHandle(forReadingAtPath: path) else {
                finished = true
                throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
            }
            handle = opened
        }
        guard let chunk = try handle?.read(upToCount: LocalSourceFiles.chunkSize), !chunk.isEmpty else {
            finished = true
            try? handle?.close()
            handle = nil
            return nil
        }
        return ByteBuffer(bytes: chunk)
    }
}
