/// The `mlflow.modelVersions` tag MLflow keeps on a logged model: the registered versions made from it,
/// as the JSON text Python's `json.dumps` writes (`[{"name": "m", "version": 1}]`), which clients parse.
public enum ModelVersionsTag {
    public static let key = "mlflow.modelVersions"

    /// The tag's value once version `version` of `name` is added; an entry already listed is not repeated.
    /// A value that is not a JSON list is replaced by a list of the new entry alone.
    public static func adding(name: String, version: Int64, to existing: String?) -> String {
        let entry = "{\"name\": \(pythonJSONString(name)), \"version\": \(version)}"
        guard let existing, existing.hasPrefix("["), existing.hasSuffix("]") else { return "[\(entry)]" }
        let inner = existing.dropFirst().dropLast()
        if inner.allSatisfy({ $0 == " " }) { return "[\(entry)]" }
        let listed = inner.hasPrefix(entry + ",") || inner == Substring(entry) || inner.contains(", " + entry + ",")
            || inner.hasSuffix(", " + entry)
        return listed ? existing : "[\(inner), \(entry)]"
    }

    /// A string as `json.dumps` writes it: ASCII only, everything else as `\uXXXX` (UTF-16).
    static func pythonJSONString(_ text: String) -> String {
        var result = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: result += "\\\""
            case 0x5C: result += "\\\\"
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x09: result += "\\t"
            case 0x08: result += "\\b"
            case 0x0C: result += "\\f"
            case 0x20..<0x7F: result.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default:
                let hex = String(unit, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return result + "\""
    }
}
