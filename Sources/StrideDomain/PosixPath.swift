/// POSIX path normalisation with the semantics of Python's `posixpath.normpath`, which MLflow uses
/// to decide whether a key could name a different file.
public enum PosixPath {
    public static func normalize(_ path: String) -> String {
        if path.isEmpty { return "." }
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
}
