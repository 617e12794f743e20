import StrideDomain

/// A span value (inputs, outputs, an attribute) as the page shows it: JSON objects and arrays
/// re-indented, everything cut to a byte budget so a huge value cannot make the page huge.
///
/// The re-indenting works on the text, not on a parsed value: it keeps the client's key order,
/// costs one pass, and shows text that is not JSON unchanged rather than failing.
struct SpanValueText: Sendable, Equatable {
    var text: String
    /// The value was longer than the budget; `text` is its beginning.
    var truncated: Bool
    /// The value's full length in bytes, for the note under a cut value.
    var totalBytes: Int

    init(_ value: String, maxBytes: Int = Limits.maxSpanValueDisplayBytes) {
        let source = Array(value.utf8)
        totalBytes = source.count
        let first = source.first { !Self.isSpace($0) }
        let output: (bytes: [UInt8], cut: Bool) = first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
            ? Self.indented(source, maxBytes: maxBytes) : (Array(source.prefix(maxBytes)), source.count > maxBytes)
        // A cut may split a character: decoding repairs it with a replacement mark.
        text = String(decoding: output.bytes, as: UTF8.self)
        truncated = output.cut
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// Two spaces per level, one member per line; stops once `maxBytes` are written.
    private static func indented(_ source: [UInt8], maxBytes: Int) -> (bytes: [UInt8], cut: Bool) {
        var out: [UInt8] = []
        out.reserveCapacity(min(source.count * 2, maxBytes))
        var depth = 0
        var inString = false
        var escaped = false
        var index = 0
        func newline() {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: min(depth, 40) * 2))
        }
        while index < source.count {
            if out.count >= maxBytes { return (Array(out.prefix(maxBytes)), true) }
            let byte = source[index]
            index += 1
            if inString {
                out.append(byte)
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                out.append(byte)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                out.append(byte)
                // An empty object or array stays on one line.
                var next = index
                while next < source.count, isSpace(source[next]) { next += 1 }
                if next < source.count, source[next] == UInt8(ascii: "}") || source[next] == UInt8(ascii: "]") {
                    out.append(source[next])
                    index = next + 1
                } else {
                    depth += 1
                    newline()
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth = max(0, depth - 1)
                newline()
                out.append(byte)
            case UInt8(ascii: ","):
                out.append(byte)
                newline()
            case UInt8(ascii: ":"):
                out.append(byte)
                out.append(UInt8(ascii: " "))
            default:
                if !isSpace(byte) { out.append(byte) }
            }
        }
        return out.count > maxBytes ? (Array(out.prefix(maxBytes)), true) : (out, false)
    }
}
