/// Just enough XML for S3's answers, which are flat documents of known elements without
/// attributes on the elements read here: a scan for `<Name>...</Name>`, not a general parser.
enum S3XML {
    /// The raw inner text of each `<name>` element in `text`, in order (elements of one name do not nest in S3's answers).
    static func elements(_ name: String, in text: Substring) -> [Substring] {
        let open = "<\(name)>"
        let close = "</\(name)>"
        var found: [Substring] = []
        var rest = text
        while let start = rest.firstRange(of: open) {
            let inner = rest[start.upperBound...]
            guard let end = inner.firstRange(of: close) else { break }
            found.append(inner[..<end.lowerBound])
            rest = inner[end.upperBound...]
        }
        return found
    }

    /// The decoded text of the first `<name>` element, nil if there is none.
    static func value(_ name: String, in text: Substring) -> String? {
        elements(name, in: text).first.map(unescaped)
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
