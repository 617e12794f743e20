/// The `Content-Type` MLflow gives an artifact by its name (`mlflow/utils/mime_type_utils.py`):
/// text-like extensions and MLflow's own files are `text/plain`, then Python's `mimetypes` table,
/// then `application/octet-stream`.
enum ArtifactMediaType {
    static func forFile(named name: String) -> String {
        let (stem, fileExtension) = split(name)
        // MLmodel and mlproject have no extension: MLflow matches the whole name, case and all (its
        // constant is `mlproject`, so a file named `MLproject` is served as octet-stream).
        if textExtensions.contains(fileExtension.isEmpty ? name : fileExtension) { return "text/plain" }
        if compressionExtensions.contains(fileExtension) {
            // Python's guess_type reads `model.tar.gz` as a tar archive with gzip encoding.
            let inner = split(stem).fileExtension
            return inner.isEmpty ? octetStream : (pythonTypes[inner.lowercased()] ?? octetStream)
        }
        return pythonTypes[fileExtension] ?? pythonTypes[fileExtension.lowercased()] ?? octetStream
    }

    static let octetStream = "application/octet-stream"

    /// `os.path.splitext` on the base name: a leading dot does not start an extension.
    private static func split(_ name: String) -> (stem: String, fileExtension: String) {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex, name[..<dot].contains(where: { $0 != "." }) else {
            return (name, "")
        }
        return (String(name[..<dot]), String(name[name.index(after: dot)...]))
    }

    private static let textExtensions: Set<String> = [
        "txt", "log", "err", "cfg", "conf", "cnf", "cf", "ini", "properties", "prop", "hocon", "toml", "yaml", "yml",
        "xml", "json", "js", "py", "py3", "csv", "tsv", "md", "rst", "ipynb", "MLmodel", "mlproject",
    ]

    private static let compressionExtensions: Set<String> = ["gz", "bz2", "xz", "br", "Z"]

    /// The entries of Python's built-in `mimetypes` table that artifacts commonly have.
    private static let pythonTypes: [String: String] = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "bmp": "image/bmp",
        "svg": "image/svg+xml", "webp": "image/webp", "tif": "image/tiff", "tiff": "image/tiff", "ico": "image/vnd.microsoft.icon",
        "html": "text/html", "htm": "text/html", "css": "text/css", "pdf": "application/pdf", "zip": "application/zip",
        "tar": "application/x-tar", "tgz": "application/x-tar", "h5": "application/x-hdf5", "mp4": "video/mp4",
        "webm": "video/webm", "avi": "video/x-msvideo", "mp3": "audio/mpeg", "wav": "audio/x-wav", "ogg": "audio/ogg",
        "bin": "application/octet-stream", "sh": "text/x-sh", "c": "text/x-csrc",
    ]
}
