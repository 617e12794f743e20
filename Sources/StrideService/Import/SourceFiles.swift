public import NIOCore

/// The files below MLflow's artifact root, read for copying.
public protocol SourceFiles: Sendable {
    /// Whether a folder is at this absolute path.
    func isFolder(_ path: String) -> Bool

    /// Every regular file below `folder`, as paths relative to it with sizes; empty when the folder is missing.
    func files(below folder: String) async throws -> [(path: String, size: Int64)]

    /// The bytes of the file at `path`, in chunks.
    func contents(of path: String) -> AsyncThrowingStream<ByteBuffer, any Error>
}
