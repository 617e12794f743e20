/// The one check every redirect the UI sends passes: a `Location` is a path on this site, never
/// another origin, however a `next=` or `back=` value is spelled.
///
/// Browsers are lenient where a naive check is not: they drop tabs and newlines inside a URL
/// (`/\t/evil.example` becomes `//evil.example`, another host), read `\` as `/` (`/\evil.example`),
/// and take `//host` as a host. So only a path made of printable ASCII is accepted: it starts
/// with one `/`, has no `//` before its query and no `\` at all. Anything else falls back to a
/// fixed page of ours.
enum LocalRedirect {
    static func path(_ candidate: String?, otherwise fallback: String) -> String {
        guard let candidate, isSameOriginPath(candidate) else { return fallback }
        return candidate
    }

    static func isSameOriginPath(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "/") else { return false }
        guard bytes.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\\") }) else { return false }
        let pathEnd = bytes.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.endIndex
        let path = bytes[..<pathEnd]
        return !zip(path, path.dropFirst()).contains { $0 == UInt8(ascii: "/") && $1 == UInt8(ascii: "/") }
    }
}
