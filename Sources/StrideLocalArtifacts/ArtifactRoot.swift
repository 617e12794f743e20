import StrideDomain
import StrideStore

/// One directory on disk that holds artifacts, and the mapping from `ArtifactPath`s to files below it.
///
/// `ArtifactPath` has already ruled out `..` and absolute paths; what remains is symbolic links. The
/// walk below looks at every existing component and refuses a path as soon as a link resolves outside
/// the root. (A link swapped in between this check and the use of the path is not caught; whoever can
/// write into the artifact directory can do worse without a link.)
struct ArtifactRoot: Sendable {
    /// The root with every symbolic link resolved, no trailing slash.
    let directory: String

    /// Where uploads are written before they are published; hidden from clients.
    static let stagingName = ".stride-uploads"

    var stagingDirectory: String { directory + "/" + Self.stagingName }

    /// A path below the root and what is there now.
    struct Location {
        var filePath: String
        var item: ArtifactItem?
        /// The first component that exists as a file although more components follow, if any.
        var blockingFile: ArtifactPath?
    }

    /// Resolves `path`, refusing links that leave the root and the staging area. Blocks: run on the thread pool.
    func locate(_ path: ArtifactPath) throws(StrideError) -> Location {
        if path.segments.first == Self.stagingName {
            throw .invalidParameter("Invalid path '\(path)': '\(Self.stagingName)' is reserved by Stride")
        }
        var filePath = directory
        for (index, segment) in path.segments.enumerated() {
            filePath += "/" + segment
            guard var kind = PosixFileSystem.kind(at: filePath) else {
                return Location(filePath: directory + "/" + path.description, item: nil, blockingFile: nil)
            }
            if kind == .symbolicLink {
                try checkLinkStaysInside(filePath, path: path)
                kind = PosixFileSystem.kindFollowingLinks(at: filePath) ?? .other
            }
            let isLast = index == path.segments.count - 1
            switch kind {
            case .directory where isLast:
                return Location(filePath: filePath, item: .directory, blockingFile: nil)
            case .directory:
                continue
            case .regularFile(let size) where isLast:
                return Location(filePath: filePath, item: .file(size: size), blockingFile: nil)
            case .regularFile:
                return Location(filePath: directory + "/" + path.description, item: nil, blockingFile: path.prefix(index + 1))
            case .symbolicLink, .other:
                throw .invalidParameter("Invalid path '\(path)': it is neither a regular file nor a directory")
            }
        }
        return Location(filePath: directory, item: .directory, blockingFile: nil)
    }

    private func checkLinkStaysInside(_ filePath: String, path: ArtifactPath) throws(StrideError) {
        guard let target = PosixFileSystem.realPath(filePath) else {
            throw .invalidParameter("Invalid path '\(path)': it goes through a symbolic link that leads nowhere")
        }
        let staging = stagingDirectory
        let inside = target == directory || target.hasPrefix(directory + "/")
        let inStaging = target == staging || target.hasPrefix(staging + "/")
        guard inside, !inStaging else {
            throw .invalidParameter("Invalid path '\(path)': a symbolic link leads outside the artifact root")
        }
    }

    /// Creates the directories above `path` that are missing, re-checking each step against links.
    func makeParentDirectories(of path: ArtifactPath) throws {
        for count in 1..<max(path.segments.count, 1) {
            let current = path.prefix(count)
            let location = try locate(current)
            if let blocking = location.blockingFile {
                throw StrideError.invalidParameter("Cannot write '\(path)': '\(blocking)' is a file, not a directory")
            }
            switch location.item {
            case .directory: continue
            case .file: throw StrideError.invalidParameter("Cannot write '\(path)': '\(current)' is a file, not a directory")
            case nil: try PosixFileSystem.makeDirectory(location.filePath)
            }
        }
    }
}
