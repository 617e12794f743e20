/// POSIX path normalisation with the semantics of Python's `posixpath.normpath`, which MLflow uses
/// to decide whether a key could name a different file.
public enum PosixPath {
    public static func normalize(_ path: String) -> String {
        if path.isEmpty { return "." }
        // Every metric, param and tag key is checked through here, and nearly all are already normal.
        if isNormalRelative(path) { return path }
        let leadingSlashes: Int
        if path.hasPrefix("/") {
            // POSIX keeps exactly two leading slashes; three or more collapse to one.
            leadingSlashes = path.hasPrefix("//") && !path.hasPrefix("///") ? 2 : 1
        } else {
            leadingSlashes = 0
        }
        var parts: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." {
                if leadingSlashes == 0 && (parts.isEmpty || parts.last == "..") {
                    parts.append(component)
                } else if !parts.isEmpty {
                    parts.removeLast()
                }
                continue
            }
            parts.append(component)
        }
        let joined = String(repeating: "/", count: leadingSlashes) + parts.joined(separator: "/")
        return joined.isEmpty ? "." : joined
    }

    /// True when `path` is relative and has no empty, `.` or `..` component: `normalize` returns such a
    /// path unchanged, so it need not be split and joined again.
    static func isNormalRelative(_ path: String) -> Bool {
        // The component read so far: its length, and how many of its first bytes are dots.
        var length = 0
        var leadingDots = 0
        func isNormalComponent() -> Bool { !(length == leadingDots && leadingDots <= 2) }
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") {
                guard isNormalComponent() else { return false }
                length = 0
                leadingDots = 0
            } else {
                if byte == UInt8(ascii: ".") && leadingDots == length { leadingDots += 1 }
                length += 1
            }
        }
        return isNormalComponent()
    }
}
