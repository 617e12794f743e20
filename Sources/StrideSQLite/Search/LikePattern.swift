/// Translates SQL LIKE patterns for SQLite, whose LIKE ignores ASCII case.
enum LikePattern {
    /// The GLOB pattern matching exactly what a case-sensitive `LIKE pattern` matches.
    static func glob(fromLike pattern: String) -> String {
        var glob = ""
        for character in pattern {
            switch character {
            case "%": glob.append("*")
            case "_": glob.append("?")
            case "*": glob.append("[*]")
            case "?": glob.append("[?]")
            case "[": glob.append("[[]")
            default: glob.append(character)
            }
        }
        return glob
    }
}
