/// How the artifact browser previews a file, chosen by its extension; text is also recognised by
/// content when the extension says nothing.
enum ArtifactPreviewKind: Sendable, Equatable {
    case image(mediaType: String)
    case html
    case table(delimiter: Character)
    case text
    /// Unknown extension: previewed as text only if its first bytes read as text.
    case sniff

    init(fileName: String) {
        let lowered = fileName.lowercased()
        let ext = lowered.split(separator: ".", omittingEmptySubsequences: false).count > 1 ? String(lowered.split(separator: ".").last ?? "") : ""
        switch ext {
        case "png": self = .image(mediaType: "image/png")
        case "jpg", "jpeg": self = .image(mediaType: "image/jpeg")
        case "gif": self = .image(mediaType: "image/gif")
        case "webp": self = .image(mediaType: "image/webp")
        case "bmp": self = .image(mediaType: "image/bmp")
        case "svg": self = .image(mediaType: "image/svg+xml")
        case "html", "htm": self = .html
        case "csv": self = .table(delimiter: ",")
        case "tsv": self = .table(delimiter: "\t")
        case "txt", "log", "md", "json", "jsonl", "yaml", "yml", "toml", "ini", "cfg", "py", "sh", "xml", "ipynb", "r", "sql", "mlmodel":
            self = .text
        default:
            self = .sniff
        }
    }

    /// The media type the inline route serves for an image or HTML page; nil for anything else.
    var inlineMediaType: String? {
        switch self {
        case .image(let mediaType): mediaType
        case .html: "text/html; charset=utf-8"
        default: nil
        }
    }
}
