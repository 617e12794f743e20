#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few metadata system calls the local store makes directly, because NIOFileSystem either hides
/// them (`lstat`, `realpath`) or does not do what we need (its move refuses to replace a file, and
/// its replace removes the old file first, so neither is an atomic publish).
///
/// Every function blocks; callers run them on the NIO thread pool.
enum PosixFileSystem {
    /// What one `lstat` saw.
    enum Kind: Equatable {
        case regularFile(size: Int64)
        case directory
        case symbolicLink
        case other
    }

    /// `lstat(2)`: nil when nothing is there (or a parent is not a directory).
    static func kind(at path: String) -> Kind? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return kind(of: status)
    }

    /// `stat(2)`, following symbolic links.
    static func kindFollowingLinks(at path: String) -> Kind? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return kind(of: status)
    }

    private static func kind(of status: stat) -> Kind {
        switch status.st_mode & S_IFMT {
        case S_IFREG: .regularFile(size: Int64(status.st_size))
        case S_IFDIR: .directory
        case S_IFLNK: .symbolicLink
        default: .other
        }
    }

    /// `realpath(3)`: the absolute path with every symbolic link resolved; nil if any part is missing.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `mkdir(2)` with the permissions Python's `os.makedirs` uses (the umask applies).
    static func makeDirectory(_ path: String) throws(PosixError) {
        guard mkdir(path, 0o777) == 0 || errno == EEXIST else { throw PosixError(call: "mkdir", path: path, code: errno) }
    }

    /// `rename(2)`: atomically replaces the file at `destination`, so readers see the old file or the new one.
    static func rename(_ source: String, to destination: String) throws(PosixError) {
        #if canImport(Glibc)
        let result = Glibc.rename(source, destination)
        #else
        let result = Darwin.rename(source, destination)
        #endif
        guard result == 0 else { throw PosixError(call: "rename", path: destination, code: errno) }
    }

    /// The names in a directory with what each is (symbolic links not followed); `.` and `..` left out.
    static func entries(of directory: String) throws(PosixError) -> [(name: String, kind: Kind)] {
        guard let handle = opendir(directory) else { throw PosixError(call: "opendir", path: directory, code: errno) }
        defer { closedir(handle) }
        var result: [(name: String, kind: Kind)] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            if let kind = kind(at: directory + "/" + name) {
                result.append((name, kind))
            }
        }
        return result
    }

    /// The current time, in whole seconds since the epoch, as file times are compared.
    static func secondsSinceEpoch() -> Int64 {
        Int64(time(nil))
    }
}

/// A failed system call: which, on what, and `errno`.
struct PosixError: Error, CustomStringConvertible {
    var call: String
    var path: String
    var code: Int32

    var description: String { "\(call)(\(path)) failed: \(String(cString: strerror(code)))" }
}
