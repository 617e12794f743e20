/// JSON text as Python's `json.dumps` writes it: `", "` and `": "` separators, ASCII-only strings,
/// a repeated object key once (its last value, in its first place, as a Python dict keeps it).
///
/// MLflow stores evaluation-dataset records and schemas in this form and hashes a record's inputs
/// in it (`sort_keys=True`), so Stride writes the same text to find the same records.
extension JSONValue {
    /// `json.dumps(value)`, or `json.dumps(value, sort_keys=True)` with `sortingKeys` (code-point order).
    public func pythonText(sortingKeys: Bool = false) -> String {
        var text = ""
        write(to: &text, sortingKeys: sortingKeys)
        return text
    }

    /// The object's members with a repeated key kept once (last value, first place); nil for a non-object.
    public var uniqueMembers: [(key: String, value: JSONValue)]? {
        guard case .object(let members) = self else { return nil }
        var index: [String: Int] = [:]
        var unique: [(key: String, value: JSONValue)] = []
        for member in members {
            if let at = index[member.key] {
                unique[at].value = member.value
            } else {
                index[member.key] = unique.count
                unique.append(member)
            }
        }
        return unique
    }

    /// Recursion follows the value's nesting, which the parser bounds (`Limits.maxJSONNestingDepth`).
    private func write(to text: inout String, sortingKeys: Bool) {
        switch self {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .integer(let number): text += String(number)
        case .double(let number): text += Self.pythonRepr(number)
        case .string(let string): text += JSONText.quoted(string)
        case .array(let items):
            text += "["
            for (position, item) in items.enumerated() {
                if position > 0 { text += ", " }
                item.write(to: &text, sortingKeys: sortingKeys)
            }
            text += "]"
        case .object:
            var members = uniqueMembers ?? []
            if sortingKeys { members.sort { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) } }
            text += "{"
            for (position, member) in members.enumerated() {
                if position > 0 { text += ", " }
                text += JSONText.quoted(member.key) + ": "
                member.value.write(to: &text, sortingKeys: sortingKeys)
            }
            text += "}"
        }
    }

    /// Python's `repr` of a float: Swift's shortest round-trip digits switch to exponent form at the
    /// same magnitudes (`1e-05`, `1e+16`). An infinity (parsed from a literal beyond a double's
    /// range) is written `1e999`, valid JSON that reads back as the same infinity, where Python
    /// writes `Infinity`, which no JSON parser (Stride's included) reads back; JSON has no NaN.
    static func pythonRepr(_ number: Double) -> String {
        if number.isNaN { return "null" }
        if number.isInfinite { return number < 0 ? "-1e999" : "1e999" }
        return number.description
    }

    /// Python's `str()` of a scalar, which MLflow stores for a dataset tag value; arrays and
    /// objects as their JSON text.
    public var pythonString: String {
        switch self {
        case .string(let string): string
        case .bool(let flag): flag ? "True" : "False"
        case .null: "None"
        default: pythonText()
        }
    }
}
