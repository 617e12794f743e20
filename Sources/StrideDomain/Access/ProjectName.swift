/// The rules for project names, which are MLflow 3's rules for workspace names.
///
/// MLflow follows Kubernetes' DNS-label convention: 2 to 63 characters, lowercase letters, digits
/// and inner hyphens, so a name is safe in a URL path segment, a folder name and a DNS label alike.
/// Underscores are refused as MLflow refuses them, so a name valid here is valid there.
public enum ProjectName {
    public static let lengthRange = 2...63

    /// Names MLflow keeps for its own URL segments.
    public static let reserved: Set<String> = ["workspaces", "api", "ajax-api", "static-files"]

    public static func validate(_ name: String) throws(StrideError) {
        guard lengthRange.contains(name.utf8.count) else {
            throw .invalidParameter(
                "Project name '\(name)' must be between \(lengthRange.lowerBound) and \(lengthRange.upperBound) characters.")
        }
        let bytes = Array(name.utf8)
        let allowed = bytes.allSatisfy { isLowercaseAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        guard allowed, isLowercaseAlphanumeric(bytes[0]), isLowercaseAlphanumeric(bytes[bytes.count - 1]) else {
            throw .invalidParameter(
                "Project name '\(name)' must consist of lowercase letters, digits and hyphens, and start and end with a letter or digit.")
        }
        guard !reserved.contains(name) else {
            throw .invalidParameter("Project name '\(name)' is reserved and cannot be used.")
        }
    }

    private static func isLowercaseAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
