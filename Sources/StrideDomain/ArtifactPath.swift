/// A validated location below an artifact root: the only way any layer may name stored artifacts.
///
/// Every artifact path a client sends (a URL path, a `?path=` query, a run-relative `path`) becomes an
/// `ArtifactPath` before it reaches storage, and construction rejects anything that could name a file
/// outside the root or a different file than it appears to: `..`, absolute paths, empty segments,
/// backslashes, `#` and `?`, control characters, scheme or drive prefixes, and percent escapes left
/// after decoding (double encoding). MLflow's proxy has had four path-traversal CVEs from checking
/// paths in some handlers and not others; here there is one check and no way around it.
///
/// Symbolic links need the file system, so stores check those when they resolve a path on disk.
public struct ArtifactPath: Hashable, Sendable, CustomStringConvertible {
    /// The path's segments, none empty, `.` or `..`; no segments means the root itself.
    public let segments: [String]

    /// The artifact root.
    public static let root = ArtifactPath(trustedSegments: [])

    /// Longest single segment (Linux `NAME_MAX`), so overlong names are a 400, not a file-system error.
    public static let maxSegmentBytes = 255
    /// Longest whole path (Linux `PATH_MAX` less room for the root directory).
    public static let maxPathBytes = 3072

    private init(trustedSegments: [String]) {
        self.segments = trustedSegments
    }

    /// Validates a path that has already been percent-decoded once (a query value, a JSON field).
    ///
    /// The empty string is the root. `.` segments are dropped, as every file system would.
    public init(validating text: String) throws(StrideError) {
        if text.isEmpty {
            self = .root
            return
        }
        guard text.utf8.count <= Self.maxPathBytes else { throw Self.invalidPath }
        guard !text.hasPrefix("/") else { throw Self.invalidPath }
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F { throw Self.invalidPath }
            if scalar == "\\" { throw Self.invalidPath }
            if scalar == "#" || scalar == "?" { throw Self.invalidPath }
        }
        if Self.containsPercentEscape(text) { throw Self.invalidPath }

        var segments: [String] = []
        for segment in text.split(separator: "/", omittingEmptySubsequences: false) {
            switch segment {
            case "": throw Self.invalidPath
            case ".": continue
            case "..": throw Self.invalidPath
            default:
                guard segment.utf8.count <= Self.maxSegmentBytes else { throw Self.invalidPath }
                segments.append(String(segment))
            }
        }
        if let first = segments.first, Self.looksLikeSchemeOrDrive(first) {
            throw Self.invalidPath
        }
        self.segments = segments
    }

    /// Validates the raw, still percent-encoded path of a request URL (the part after the route).
    ///
    /// Encoded separators (`%2F`, `%5C`) are refused before decoding: decoding them would move segment
    /// boundaries, which is how encoded traversals such as `..%2F..%2Fetc` slip past naive checks.
    public init(percentEncoded raw: Substring) throws(StrideError) {
        let lowered = raw.lowercased()
        if lowered.contains("%2f") || lowered.contains("%5c") {
            throw Self.invalidPath
        }
        guard let decoded = Self.percentDecoded(raw) else {
            throw Self.invalidPath
        }
        try self.init(validating: decoded)
    }

    /// Whether this is the root itself.
    public var isRoot: Bool { segments.isEmpty }

    /// The last segment: the file or directory name; nil for the root.
    public var name: String? { segments.last }

    /// The directory that holds this path; the root is its own parent.
    public var parent: ArtifactPath { ArtifactPath(trustedSegments: Array(segments.dropLast())) }

    /// The first `count` segments of this path.
    public func prefix(_ count: Int) -> ArtifactPath {
        ArtifactPath(trustedSegments: Array(segments.prefix(count)))
    }

    /// This path followed by another (both already validated, so the result is too).
    public func appending(_ other: ArtifactPath) -> ArtifactPath {
        ArtifactPath(trustedSegments: segments + other.segments)
    }

    /// This path followed by one more name, validated like any other segment.
    public func appending(name: String) throws(StrideError) -> ArtifactPath {
        let child = try ArtifactPath(validating: name)
        guard child.segments.count == 1 else { throw Self.invalidPath }
        return appending(child)
    }

    /// Whether `other` is this path or lies below it.
    public func contains(_ other: ArtifactPath) -> Bool {
        other.segments.starts(with: segments)
    }

    /// The segments joined by `/`; empty for the root.
    public var description: String { segments.joined(separator: "/") }

    /// MLflow's `INVALID_PARAMETER_VALUE` "Invalid path", worded exactly as MLflow's (clients and its
    /// tests compare the message); each check says why at the place it refuses.
    public static let invalidPath = StrideError.invalidParameter("Invalid path")

    /// `%` followed by two hex digits: text that decodes again, so a second decoder could see `..` or `/`.
    private static func containsPercentEscape(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 3 else { return false }
        for index in 0...(bytes.count - 3) where bytes[index] == UInt8(ascii: "%") {
            if isHexDigit(bytes[index + 1]) && isHexDigit(bytes[index + 2]) { return true }
        }
        return false
    }

    /// Decodes `%XX` escapes once; a `%` without two hex digits stays as it is, as in Python's `unquote`.
    private static func percentDecoded(_ raw: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        var input = raw.utf8[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "%"), input.count >= 2,
                let high = hexValue(input[input.startIndex]), let low = hexValue(input[input.index(after: input.startIndex)])
            {
                bytes.append(high << 4 | low)
                input = input.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool { hexValue(byte) != nil }

    /// The value of one hex digit, for every percent decoder in the module.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// `C:`, `file:`, `s3:`: a first segment that another layer could read as a drive or a URI scheme.
    private static func looksLikeSchemeOrDrive(_ segment: String) -> Bool {
        guard segment.hasSuffix(":"), let first = segment.unicodeScalars.first, first.isASCIILetter else { return false }
        return segment.unicodeScalars.dropLast().allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0) }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
