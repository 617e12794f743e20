#if canImport(Glibc)
@preconcurrency import Glibc
// Foundation's and Dispatch's C modules re-export `struct stat`; which one Swift names as its
// defining module changes with the module's other imports, so this file imports both.
import CoreFoundation
import CDispatch
#elseif canImport(Darwin)
import Darwin
#endif

/// What is at a path, following symbolic links.
enum PathKind: Equatable {
    case missing
    case directory
    case file(size: Int64)
    case other
    /// `stat` failed for another reason than absence, e.g. a folder on the way may not be searched.
    case inaccessible(Int32)

    init(of path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            self = code == ENOENT || code == ENOTDIR ? .missing : .inaccessible(code)
            return
        }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: self = .directory
        case S_IFREG: self = .file(size: Int64(status.st_size))
        default: self = .other
        }
    }
}
