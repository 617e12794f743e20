/// MLflow's checks of a model version's `source` (`_validate_source_run`, `_validate_source_model` and
/// `_validate_non_local_source_contains_relative_paths` in its handlers), read the way Python's
/// `urllib.parse` reads a URI.
///
/// A local source (a plain path or a `file:` URI) must lie inside the artifact directory of the run
/// (or logged model) the request names, and that directory must itself be local. Any other source
/// must carry an absolute, normalised path: no `..` (also percent-encoded), no `.` or NUL, no empty
/// path. A `runs:/` source naming another run than `run_id` is accepted, as MLflow accepts it; what
/// it names is resolved in the caller's project when it is read.
extension ModelSource {
    /// Which request field names the entity whose directory a local source must lie in.
    public enum Owner: Sendable {
        case run
        case loggedModel

        var field: String {
            switch self {
            case .run: "run_id"
            case .loggedModel: "model_id"
            }
        }

        var entity: String {
            switch self {
            case .run: "run"
            case .loggedModel: "run specified by the model_id"
            }
        }
    }

    /// Whether MLflow reads `source` as a path on the server (`is_local_uri`): no scheme, or `file:`.
    public static func isLocal(_ source: String) -> Bool {
        let scheme = PythonURL(source).scheme
        return scheme.isEmpty || scheme == "file"
    }

    /// Refuses a source MLflow refuses. `ownerLocation` is the artifact URI of the run or logged model
    /// the request names (nil when it names none); `workingDirectory` resolves relative local paths,
    /// as MLflow resolves them against its own.
    public static func validate(_ source: String, owner: Owner, ownerLocation: String?, workingDirectory: String) throws(StrideError) {
        guard isLocal(source) else {
            try validateNonLocal(source)
            return
        }
        if let ownerLocation, isLocal(ownerLocation) {
            let directory = absolutePath(localPath(ownerLocation), workingDirectory: workingDirectory)
            let path = absolutePath(localPath(source), workingDirectory: workingDirectory)
            if path == directory || path.hasPrefix(directory == "/" ? "/" : directory + "/") { return }
        }
        throw StrideError.invalidParameter(
            "Invalid model version source: '\(source)'. To use a local path as a model version source, the \(owner.field) request parameter has to be specified and the local path has to be contained within the artifact directory of the \(owner.entity).")
    }

    /// A remote source may not climb: decoded until stable, its path must already be absolute and
    /// normalised (MLflow compares it with `Path(path).resolve()`).
    static func validateNonLocal(_ source: String) throws(StrideError) {
        var decoded = source
        // Each round shortens the text, so this ends; the bound only guards the loop's reasoning.
        for _ in 0..<source.utf8.count {
            let next = percentDecodedPlus(decoded)
            if next == decoded { break }
            decoded = next
        }
        let path = collapsedSlashes(trimmingTrailingSlashes(PythonURL(decoded).path))
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let isNormalised = path.hasPrefix("/") && !segments.contains(".") && !segments.contains("..")
        if path.contains("\0") || decoded.split(separator: "/", omittingEmptySubsequences: false).contains("..") || !isNormalised {
            throw StrideError.invalidParameter(
                "Invalid model version source: '\(decoded)'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.")
        }
    }

    /// `local_file_uri_to_path`: the path of a `file:` URI, percent-decoded; a plain path as given.
    static func localPath(_ location: String) -> String {
        let url = PythonURL(location)
        guard url.scheme == "file" else { return location }
        return percentDecoded(url.path, plusAsSpace: false)
    }

    /// The path made absolute against `workingDirectory`, with `.`, `..` and repeated slashes folded.
    static func absolutePath(_ path: String, workingDirectory: String) -> String {
        let joined = path.hasPrefix("/") ? path : workingDirectory + "/" + path
        var parts: [Substring] = []
        for segment in joined.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(segment)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    private static func trimmingTrailingSlashes(_ text: String) -> String {
        var text = Substring(text)
        while text.last == "/" { text = text.dropLast() }
        return String(text)
    }

    private static func collapsedSlashes(_ text: String) -> String {
        var result = ""
        var previousSlash = false
        for character in text {
            if character == "/" && previousSlash { continue }
            previousSlash = character == "/"
            result.append(character)
        }
        return result
    }

    private static func percentDecodedPlus(_ text: String) -> String {
        percentDecoded(text, plusAsSpace: true)
    }

    /// Python's `unquote` / `unquote_plus`: valid `%XX` escapes decoded, invalid ones left as they are,
    /// bytes that do not form UTF-8 replaced.
    static func percentDecoded(_ text: String, plusAsSpace: Bool) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = ArtifactPath.hexValue(bytes[index + 1]), let low = ArtifactPath.hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// The scheme and path of a URI as Python's `urllib.parse.urlparse` splits them.
struct PythonURL {
    /// Lowercased; empty when the text has none.
    var scheme = ""
    var path = ""

    private static let schemeCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.")
    /// Schemes whose last path segment may carry `;params`, which `urlparse` splits off.
    private static let schemesWithParams: Set<String> = [
        "", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp", "rtspu", "sip", "sips", "mms", "sftp", "tel",
    ]

    init(_ text: String) {
        var rest = Substring(text)
        if let colon = text.firstIndex(of: ":"), colon != text.startIndex,
           let first = text.first, first.isASCII, first.isLetter,
           text[..<colon].allSatisfy({ Self.schemeCharacters.contains($0) }) {
            scheme = text[..<colon].lowercased()
            rest = text[text.index(after: colon)...]
        }
        if rest.hasPrefix("//") {
            let afterSlashes = rest.dropFirst(2)
            rest = afterSlashes.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }).map { afterSlashes[$0...] } ?? ""
        }
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if Self.schemesWithParams.contains(scheme), rest.contains(";") {
            let lastSlash = rest.lastIndex(of: "/") ?? rest.startIndex
            if rest[lastSlash...].contains(";"), let semicolon = rest.firstIndex(of: ";") { rest = rest[..<semicolon] }
        }
        path = String(rest)
    }
}
