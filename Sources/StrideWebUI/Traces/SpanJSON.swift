import Foundation
import StrideDomain

/// Reads spans from the two shapes they reach Stride in, tolerating either spelling of each field:
/// - stored spans (`TraceSpan.content`): OpenTelemetry protobuf-JSON, attributes as
///   `[{"key": …, "value": {"stringValue": …}}]`, ids in base64, int64s as strings;
/// - MLflow's `traces.json` artifact (`Span.to_dict`): attributes as an object of JSON texts,
///   times as numbers, status codes as `STATUS_CODE_OK`.
///
/// Parsed with Stride's own ``JSONParser`` rather than Foundation's `JSONSerialization`, which spent
/// ~0.3 ms a span here: a 1,000-span trace page went over its 50 ms budget on reading alone.
/// Anything missing or malformed reads as absent; nothing here traps on client data.
enum SpanJSON {
    /// A stored span: the typed columns the store keeps, the rest from its content.
    static func record(_ span: TraceSpan) -> SpanRecord {
        let object = parsed(Array(span.content.utf8)).flatMap { $0.isObject ? $0 : nil } ?? .object([])
        let attributes = keyValues(object["attributes"])
        return SpanRecord(
            id: span.spanID, parentID: span.parentSpanID.flatMap { $0.isEmpty ? nil : $0 }, name: span.name, startNanos: span.startTimeNanos,
            endNanos: span.endTimeNanos, statusCode: span.statusCode, statusMessage: statusMessage(object),
            spanType: span.spanType ?? spanType(attributes), attributes: attributes, events: events(object["events"]))
    }

    /// The spans of a `traces.json` artifact (`{"spans": [...]}`); nil when the text is not one.
    static func records(artifact bytes: [UInt8]) -> [SpanRecord]? {
        guard case .array(let spans)? = parsed(bytes)?["spans"] else { return nil }
        return spans.compactMap { $0.isObject ? record(dictionary: $0) : nil }
    }

    /// A span object of either shape.
    static func record(dictionary object: JSONValue) -> SpanRecord {
        let attributes = keyValues(object["attributes"])
        return SpanRecord(
            id: spanID(field(object, "span_id", "spanId")) ?? "",
            parentID: spanID(field(object, "parent_span_id", "parentSpanId")),
            name: field(object, "name", "name")?.textValue ?? "",
            startNanos: int64(field(object, "start_time_unix_nano", "startTimeUnixNano")) ?? 0,
            endNanos: int64(field(object, "end_time_unix_nano", "endTimeUnixNano")),
            statusCode: statusCode(object["status"]?["code"]), statusMessage: statusMessage(object),
            spanType: spanType(attributes), attributes: attributes, events: events(object["events"]))
    }

    private static func parsed(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONParser.parse(bytes, maxValues: Limits.maxSpanJSONValuesShown)
    }

    // MARK: Fields

    private static func field(_ object: JSONValue, _ snake: String, _ camel: String) -> JSONValue? {
        object[snake] ?? object[camel]
    }

    /// An id as lowercase hex: protobuf-JSON and `traces.json` write the bytes in base64, MLflow 3.5 wrote hex.
    static func spanID(_ value: JSONValue?) -> String? {
        guard let text = value?.textValue, !text.isEmpty else { return nil }
        if text.count == 16, text.allSatisfy(\.isHexDigit) { return text.lowercased() }
        guard let bytes = Data(base64Encoded: text), !bytes.isEmpty else { return text }
        return Hex.encode(bytes)
    }

    /// A whole number written as a JSON number or, as protobuf-JSON writes int64s, a string.
    static func int64(_ value: JSONValue?) -> Int64? {
        switch value {
        case .string(let text)?: return Int64(text)
        case .integer(let number)?: return number
        case .double(let number)?:
            // Range-checked before converting: a huge or fractional number is not a time.
            guard number.isFinite, number >= -9.2e18, number <= 9.2e18 else { return nil }
            return Int64(exactly: number.rounded(.towardZero))
        default: return nil
        }
    }

    /// `STATUS_CODE_ERROR`, `ERROR` or `2`: the code as a number (0 unset, 1 ok, 2 error).
    static func statusCode(_ value: JSONValue?) -> Int {
        if let text = value?.textValue {
            switch text.uppercased() {
            case "STATUS_CODE_OK", "OK", "1": return 1
            case "STATUS_CODE_ERROR", "ERROR", "2": return 2
            default: return 0
            }
        }
        guard let code = int64(value), code == 1 || code == 2 else { return 0 }
        return Int(code)
    }

    private static func statusMessage(_ object: JSONValue) -> String {
        object["status"]?["message"]?.textValue ?? ""
    }

    /// `mlflow.spanType` holds a JSON string (`"CHAIN"`); its text without the quotes.
    private static func spanType(_ attributes: [KeyValue]) -> String? {
        guard let raw = attributes.last(where: { $0.key == SpanRecord.typeKey })?.value else { return nil }
        return (try? JSONParser.parse(Array(raw.utf8), maxValues: 2))?.textValue ?? raw
    }

    // MARK: Attributes and events

    /// Attributes as an object (`traces.json`) or as OpenTelemetry key-value pairs, values as text.
    /// `traces.json` writes a span's attribute values as JSON text and an event's as plain values;
    /// `stringsAsJSON` gives a store's typed values the same look (a string quoted or not).
    static func keyValues(_ value: JSONValue?, stringsAsJSON: Bool = true) -> [KeyValue] {
        switch value {
        case .object?:
            return (value?.uniqueMembers ?? []).sorted { $0.key < $1.key }.map { KeyValue(key: $0.key, value: text(plain: $0.value)) }
        case .array(let pairs)?:
            return pairs.compactMap { pair in
                guard let key = pair["key"]?.textValue else { return nil }
                let value = decoded(anyValue: pair["value"], depth: 0)
                if !stringsAsJSON, case .string(let string) = value { return KeyValue(key: key, value: string) }
                return KeyValue(key: key, value: compactText(value))
            }
        default:
            return []
        }
    }

    /// The value an `AnyValue` carries, as JSON; nesting past the display limit is cut.
    private static func decoded(anyValue value: JSONValue?, depth: Int) -> JSONValue {
        guard depth < maxValueDepth, case .object(let members)? = value, let (kind, inner) = members.first else { return .null }
        switch kind {
        case "stringValue", "string_value", "bytesValue", "bytes_value": return inner.textValue.map { JSONValue.string($0) } ?? .null
        case "boolValue", "bool_value":
            if case .bool = inner { return inner }
            return .null
        case "intValue", "int_value": return int64(inner).map { JSONValue.integer($0) } ?? .null
        case "doubleValue", "double_value":
            switch inner {
            case .double, .integer: return inner
            default: return .null
            }
        case "arrayValue", "array_value":
            guard case .array(let values)? = inner["values"] else { return .array([]) }
            return .array(values.map { decoded(anyValue: $0, depth: depth + 1) })
        case "kvlistValue", "kvlist_value":
            guard case .array(let pairs)? = inner["values"] else { return .object([]) }
            let members: [(key: String, value: JSONValue)] = pairs.compactMap { pair in
                guard let key = pair["key"]?.textValue else { return nil }
                return (key: key, value: decoded(anyValue: pair["value"], depth: depth + 1))
            }
            return .object(members)
        default: return .null
        }
    }

    /// Deepest `AnyValue` nesting shown; the ingest refuses deeper attributes anyway.
    private static let maxValueDepth = 64

    /// A plain JSON value as text: a string as itself, anything else as JSON.
    private static func text(plain value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .string(let text): text
        default: compactText(value)
        }
    }

    /// Compact JSON with object keys sorted (a repeated key once, its last value), characters beyond
    /// ASCII as they are. Recursion follows the value's nesting, which the parser bounds.
    static func compactText(_ value: JSONValue) -> String {
        var text = ""
        write(value, to: &text)
        return text
    }

    private static func write(_ value: JSONValue, to text: inout String) {
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .integer(let number): text += String(number)
        case .double(let number):
            if !number.isFinite {
                text += "null"
            } else if abs(number) < 1e15, let whole = Int64(exactly: number) {
                text += String(whole)
            } else {
                text += number.description
            }
        case .string(let string): text += JSONText.quoted(string, asciiOnly: false)
        case .array(let items):
            text += "["
            for (position, item) in items.enumerated() {
                if position > 0 { text += "," }
                write(item, to: &text)
            }
            text += "]"
        case .object:
            text += "{"
            for (position, member) in (value.uniqueMembers ?? []).sorted(by: { $0.key < $1.key }).enumerated() {
                if position > 0 { text += "," }
                text += JSONText.quoted(member.key, asciiOnly: false) + ":"
                write(member.value, to: &text)
            }
            text += "}"
        }
    }

    static func events(_ value: JSONValue?) -> [SpanEventRecord] {
        guard case .array(let events)? = value else { return [] }
        return events.compactMap { event in
            guard event.isObject else { return nil }
            return SpanEventRecord(
                name: event["name"]?.textValue ?? "", timeNanos: int64(field(event, "time_unix_nano", "timeUnixNano")),
                attributes: keyValues(event["attributes"], stringsAsJSON: false))
        }
    }
}

extension JSONValue {
    fileprivate var textValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    fileprivate var isObject: Bool {
        if case .object = self { return true }
        return false
    }
}
