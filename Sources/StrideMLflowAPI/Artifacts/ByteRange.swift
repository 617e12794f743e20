/// A download's `Range: bytes=…` header, resolved against the file's size (RFC 9110 §14).
///
/// One range is served; a header Stride does not understand, or one asking for several ranges, is
/// ignored and the whole file is sent, which the RFC allows.
enum ByteRange: Equatable {
    /// No usable Range header: send everything with 200.
    case whole
    /// Send these bytes with 206.
    case partial(Range<Int64>)
    /// The range starts past the end: 416 with `Content-Range: bytes */<size>`.
    case unsatisfiable

    init(header: String?, fileSize: Int64) {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else {
            self = .whole
            return
        }
        let spec = header.dropFirst("bytes=".count).filter { $0 != " " }
        let bounds = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard bounds.count == 2 else {
            self = .whole
            return
        }
        switch (Int64(bounds[0]), Int64(bounds[1])) {
        case (let first?, let last?) where first <= last:
            self = Self.resolve(first: first, last: last, fileSize: fileSize)
        case (let first?, nil) where bounds[1].isEmpty:
            self = Self.resolve(first: first, last: fileSize - 1, fileSize: fileSize)
        case (nil, let suffixLength?) where bounds[0].isEmpty:
            // `bytes=-N`: the last N bytes.
            guard suffixLength > 0 else {
                self = .unsatisfiable
                return
            }
            guard fileSize > 0 else {
                self = .unsatisfiable
                return
            }
            self = .partial(max(0, fileSize - suffixLength)..<fileSize)
        default:
            self = .whole
        }
    }

    private static func resolve(first: Int64, last: Int64, fileSize: Int64) -> ByteRange {
        guard first >= 0, first < fileSize else { return .unsatisfiable }
        return .partial(first..<(min(last, fileSize - 1) + 1))
    }
}
