/// JSON string literals as Python's `json.dumps` writes them (ASCII only, `\uXXXX` escapes), for
/// MLflow's error messages and for lists bound to SQL as JSON arrays.
public enum JSONText {
    /// `text` as a quoted JSON string; with `asciiOnly` false, characters beyond ASCII are kept as
    /// they are (Python's `ensure_ascii=False`, as MLflow writes span attributes).
    public static func quoted(_ text: String, asciiOnly: Bool = true) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) {
                    out += scalar.value > 0xFFFF ? surrogatePair(scalar) : "\\u" + hex4(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `values` as a JSON array of strings.
    public static func array(_ values: [String]) -> String {
        "[" + values.map { quoted($0) }.joined(separator: ",") + "]"
    }

    private static func surrogatePair(_ scalar: Unicode.Scalar) -> String {
        let value = scalar.value - 0x10000
        return "\\u" + hex4(0xD800 + (value >> 10)) + "\\u" + hex4(0xDC00 + (value & 0x3FF))
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
