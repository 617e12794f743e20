import Foundation
import StrideDomain

/// Reading OTLP attribute values (`AnyValue`): their size and depth, and their text as MLflow
/// writes it (a string as itself in tags, anything else as Python's `json.dumps` would).
enum OTLPAttributeValue {
    /// Refuses a value larger than ``Limits/maxSpanAttributeBytes`` or nested deeper than
    /// ``Limits/maxSpanAttributeDepth``.
    static func check(_ attribute: OTLPKeyValue) throws(StrideError) {
        var budget = Limits.maxSpanAttributeBytes - attribute.key.utf8.count
        guard budget >= 0, measure(attribute.value, depth: 0, budget: &budget) else {
            throw .invalidParameter(
                "The span attribute '\(attribute.key.prefix(250))' exceeds \(Limits.maxSpanAttributeBytes) bytes or \(Limits.maxSpanAttributeDepth) levels of nesting.")
        }
    }

    /// Subtracts the value's size from `budget`; false once it runs out or the value nests too deep.
    private static func measure(_ value: OTLPAnyValue, depth: Int, budget: inout Int) -> Bool {
        guard depth <= Limits.maxSpanAttributeDepth else { return false }
        switch value.value {
        case .stringValue(let text): budget -= text.utf8.count
        case .bytesValue(let bytes): budget -= bytes.count
        case .arrayValue(let array):
            budget -= 2
            for element in array.values where !measure(element, depth: depth + 1, budget: &budget) { return false }
        case .kvlistValue(let list):
            budget -= 2
            for pair in list.values {
                budget -= pair.key.utf8.count
                if !measure(pair.value, depth: depth + 1, budget: &budget) { return false }
            }
        default: budget -= 8
        }
        return budget >= 0
    }

    /// A string value as itself; nil for other kinds.
    static func plainString(_ value: OTLPAnyValue) -> String? {
        if case .stringValue(let text) = value.value { return text }
        return nil
    }

    /// A tag's value: a string as itself, anything else as JSON.
    static func tagText(_ value: OTLPAnyValue) -> String {
        plainString(value) ?? jsonText(value)
    }

    /// The value as JSON with Python's separators (`", "`, `": "`), non-ASCII kept as is.
    static func jsonText(_ value: OTLPAnyValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    private static func write(_ value: OTLPAnyValue, to out: inout String) {
        switch value.value {
        case nil, .stringValueStrindex: out += "null"
        case .stringValue(let text): out += quoted(text)
        case .boolValue(let flag): out += flag ? "true" : "false"
        case .intValue(let number): out += String(number)
        case .doubleValue(let number):
            // Swift's shortest round-trip form is Python's `repr` (`2.0`, `1.5`, `1e+20`).
            out += number.isFinite ? "\(number)" : (number.isNaN ? "NaN" : (number > 0 ? "Infinity" : "-Infinity"))
        case .bytesValue(let bytes): out += quoted(bytes.base64EncodedString())
        case .arrayValue(let array):
            out += "["
            for (index, element) in array.values.enumerated() {
                if index > 0 { out += ", " }
                write(element, to: &out)
            }
            out += "]"
        case .kvlistValue(let list):
            out += "{"
            for (index, pair) in list.values.enumerated() {
                if index > 0 { out += ", " }
                out += quoted(pair.key) + ": "
                write(pair.value, to: &out)
            }
            out += "}"
        }
    }

    private static func quoted(_ text: String) -> String {
        JSONText.quoted(text, asciiOnly: false)
    }

    /// Token counts from a key-value list of integers, or from a string holding a JSON object of them.
    static func tokenUsage(_ value: OTLPAnyValue) -> TokenUsage? {
        switch value.value {
        case .kvlistValue(let list):
            return TokenUsage(reported: list.values.compactMap { pair in integer(pair.value).map { (pair.key, $0) } })
        case .stringValue(let text):
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
            return TokenUsage(reported: object.compactMap { key, value in
                (value as? NSNumber).flatMap { Int64(exactly: $0.doubleValue) }.map { (key, $0) }
            })
        default:
            return nil
        }
    }

    private static func integer(_ value: OTLPAnyValue) -> Int64? {
        switch value.value {
        case .intValue(let number): number
        case .doubleValue(let number): Int64(exactly: number)
        case .stringValue(let text): Int64(text)
        default: nil
        }
    }
}
