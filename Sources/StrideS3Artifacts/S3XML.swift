import NIOCore

/// Just enough XML for S3's answers, which are flat documents of known elements without
/// attributes on the elements read here: a scan for `<Name>...</Name>`, not a general parser.
///
/// The scan runs over the answer's UTF-8 bytes, never over `Character`s: a listing page holds
/// 1,000 entries, and a folder of 10,000 objects is ten of them per request.
enum S3XML {
    /// A stretch of an answer's bytes: a whole document, or the inner text of one element.
    struct Fragment: Sendable {
        let bytes: [UInt8]
        let range: Range<Int>

        init(_ buffer: ByteBuffer) {
            self.init(Array(buffer.readableBytesView))
        }

        init(_ text: String) {
            self.init(Array(text.utf8))
        }

        private init(_ bytes: [UInt8]) {
            self.bytes = bytes
            self.range = bytes.indices
        }

        fileprivate init(bytes: [UInt8], range: Range<Int>) {
            self.bytes = bytes
            self.range = range
        }

        /// The decoded text of this fragment.
        var text: String {
            let raw = String(decoding: bytes[range], as: UTF8.self)
            return firstIndex(of: [UInt8(ascii: "&")], from: range.lowerBound) == nil ? raw : S3XML.unescaped(Substring(raw))
        }

        /// The first index at or after `start` where `pattern` begins, within this fragment.
        fileprivate func firstIndex(of pattern: [UInt8], from start: Int) -> Int? {
            guard let first = pattern.first, range.upperBound - start >= pattern.count else { return nil }
            return bytes.withUnsafeBufferPointer { all in
                pattern.withUnsafeBufferPointer { wanted in
                    var index = start
                    let last = range.upperBound - wanted.count
                    while index <= last {
                        if all[index] == first {
                            var matched = 1
                            while matched < wanted.count, all[index + matched] == wanted[matched] { matched += 1 }
                            if matched == wanted.count { return index }
                        }
                        index += 1
                    }
                    return nil
                }
            }
        }
    }

    /// The inner text of each `<name>` element in `fragment`, in order (elements of one name do not nest in S3's answers).
    static func elements(_ name: String, in fragment: Fragment) -> [Fragment] {
        let open = Array("<\(name)>".utf8)
        let close = Array("</\(name)>".utf8)
        var found: [Fragment] = []
        var position = fragment.range.lowerBound
        while let start = fragment.firstIndex(of: open, from: position) {
            let inner = start + open.count
            guard let end = fragment.firstIndex(of: close, from: inner) else { break }
            found.append(Fragment(bytes: fragment.bytes, range: inner..<end))
            position = end + close.count
        }
        return found
    }

    /// The decoded text of the first `<name>` element, nil if there is none.
    static func value(_ name: String, in fragment: Fragment) -> String? {
        let open = Array("<\(name)>".utf8)
        guard let start = fragment.firstIndex(of: open, from: fragment.range.lowerBound) else { return nil }
        let inner = start + open.count
        guard let end = fragment.firstIndex(of: Array("</\(name)>".utf8), from: inner) else { return nil }
        return Fragment(bytes: fragment.bytes, range: inner..<end).text
    }

    /// Resolves the five named entities and numeric character references.
    static func unescaped(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var result = ""
        var rest = text
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            let afterAmpersand = rest.index(after: ampersand)
            guard let semicolon = rest[afterAmpersand...].firstIndex(of: ";") else {
                result += rest[ampersand...]
                return result
            }
            let entity = rest[afterAmpersand..<semicolon]
            switch entity {
            case "amp": result += "&"
            case "lt": result += "<"
            case "gt": result += ">"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let number: UInt32? =
                    entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) {
                    result.unicodeScalars.append(scalar)
                } else {
                    result += rest[ampersand...semicolon]
                }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }

    /// `text` safe inside an element.
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }
}
