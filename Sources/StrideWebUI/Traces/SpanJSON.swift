import Foundation
import StrideDomain

/// Reads spans from the two shapes they reach Stride in, tolerating either spelling of each field:
/// - stored spans (`TraceSpan.content`): OpenTelemetry protobuf-JSON, attributes as
///   `[{"key": …, "value": {"stringValue": …}}]`, ids in base64, int64s as strings;
/// - MLflow's `traces.json` artifact (`Span.to_dict`): attributes as an object of JSON texts,
///   times as numbers, status codes as `STATUS_CODE_OK`.
///
/// Anything missing or malformed reads as absent; nothing here traps on client data.
enum SpanJSON {
    /// A stored span: the typed columns the store keeps, the rest from its content.
    static func record(_ span: TraceSpan) -> SpanRecord {
        let object = (try? JSONSerialization.jsonObject(with: Data(span.content.utf8))) as? [String: Any] ?? [:]
        let attributes = keyValues(object["attributes"])
        return SpanRecord(
            id: span.spanID, parentID: span.parentSpanID.flatMap { $0.isEmpty ? nil : $0 }, name: span.name, startNanos: span.startTimeNanos,
            endNanos: span.endTimeNanos, statusCode: span.statusCode, statusMessage: statusMessage(object),
            spanType: span.spanType ?? spanType(attributes), attributes: attributes, events: events(object["events"]))
    }

    /// The spans of a `traces.json` artifact (`{"spans": [...]}`); nil when the text is not one.
    static func records(artifact bytes: [UInt8]) -> [SpanRecord]? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
              let spans = object["spans"] as? [Any]
        else { return nil }
        return spans.compactMap { ($0 as? [String: Any]).map(record(dictionary:)) }
    }

    /// A span dictionary of either shape.
    static func record(dictionary object: [String: Any]) -> SpanRecord {
        let attributes = keyValues(object["attributes"])
        let status = object["status"] as? [String: Any]
        return SpanRecord(
            id: spanID(field(object, "span_id", "spanId")) ?? "",
            parentID: spanID(field(object, "parent_span_id", "parentSpanId")),
            name: field(object, "name", "name") as? String ?? "",
            startNanos: int64(field(object, "start_time_unix_nano", "startTimeUnixNano")) ?? 0,
            endNanos: int64(field(object, "end_time_unix_nano", "endTimeUnixNano")),
            statusCode: statusCode(status?["code"]), statusMessage: statusMessage(object),
            spanType: spanType(attributes), attributes: attributes, events: events(object["events"]))
    }

    // MARK: Fields

    private static func field(_ object: [String: Any], _ snake: String, _ camel: String) -> Any? {
        object[snake] ?? object[camel]
    }

    /// An id as lowercase hex: protobuf-JSON and `traces.json` write the bytes in base64, MLflow 3.5 wrote hex.
    static func spanID(_ value: Any?) -> String? {
        guard let text = value as? String, !text.isEmpty else { return nil }
        if text.count == 16, text.allSatisfy(\.isHexDigit) { return text.lowercased() }
        guard let bytes = Data(base64Encoded: text), !bytes.isEmpty else { return text }
        return Hex.encode(bytes)
    }

    /// A whole number written as a JSON number or, as protobuf-JSON writes int64s, a string.
    static func int64(_ value: Any?) -> Int64? {
        switch value {
        case let text as String: return Int64(text)
        case let number as NSNumber:
            if let exact = value as? Int64 { return exact }
            let double = number.doubleValue
            // Range-checked before converting: a huge or fractional number is not a time.
            guard double.isFinite, double >= -9.2e18, double <= 9.2e18 else { return nil }
            return Int64(double)
        default: return nil
        }
    }

    /// `STATUS_CODE_ERROR`, `ERROR` or `2`: the code as a number (0 unset, 1 ok, 2 error).
    static func statusCode(_ value: Any?) -> Int {
        if let text = value as? String {
            switch text.uppercased() {
            case "STATUS_CODE_OK", "OK", "1": return 1
            case "STATUS_CODE_ERROR", "ERROR", "2": return 2
            default: return 0
            }
        }
        guard let code = int64(value), code == 1 || code == 2 else { return 0 }
        return Int(code)
    }

    private static func statusMessage(_ object: [String: Any]) -> String {
        ((object["status"] as? [String: Any])?["message"] as? String) ?? ""
    }

    /// `mlflow.spanType` holds a JSON string (`"CHAIN"`); its text without the quotes.
    private static func spanType(_ attributes: [KeyValue]) -> String? {
        guard let raw = attributes.last(where: { $0.key == SpanRecord.typeKey })?.value else { return nil }
        let decoded = (try? JSONSerialization.jsonObject(with: Data(raw.utf8), options: .fragmentsAllowed)) as? String
        return decoded ?? raw
    }

    // MARK: Attributes and events

    /// Attributes as an object (`traces.json`) or as OpenTelemetry key-value pairs, values as text.
    /// `traces.json` writes a span's attribute values as JSON text and an event's as plain values;
    /// `stringsAsJSON` gives a store's typed values the same look (a string quoted or not).
    static func keyValues(_ value: Any?, stringsAsJSON: Bool = true) -> [KeyValue] {
        if let object = value as? [String: Any] {
            return object.keys.sorted().map { KeyValue(key: $0, value: text(plain: object[$0])) }
        }
        guard let pairs = value as? [Any] else { return [] }
        return pairs.compactMap { item in
            guard let pair = item as? [String: Any], let key = pair["key"] as? String else { return nil }
            let value = decoded(anyValue: pair["value"], depth: 0)
            if !stringsAsJSON, let string = value as? String { return KeyValue(key: key, value: string) }
            return KeyValue(key: key, value: json(value))
        }
    }

    /// The value an `AnyValue` carries, as a JSON object; nesting past the display limit is cut.
    private static func decoded(anyValue value: Any?, depth: Int) -> Any {
        guard depth < maxValueDepth, let object = value as? [String: Any], let (kind, inner) = object.first else { return NSNull() }
        switch kind {
        case "stringValue", "string_value", "bytesValue", "bytes_value": return inner as? String ?? NSNull()
        case "boolValue", "bool_value": return inner as? Bool ?? NSNull()
        case "intValue", "int_value": return int64(inner).map { NSNumber(value: $0) } ?? NSNull()
        case "doubleValue", "double_value": return (inner as? NSNumber) ?? NSNull()
        case "arrayValue", "array_value":
            let values = ((inner as? [String: Any])?["values"] as? [Any]) ?? []
            return values.map { decoded(anyValue: $0, depth: depth + 1) }
        case "kvlistValue", "kvlist_value":
            let pairs = ((inner as? [String: Any])?["values"] as? [Any]) ?? []
            var result: [String: Any] = [:]
            for case let pair as [String: Any] in pairs {
                guard let key = pair["key"] as? String else { continue }
                result[key] = decoded(anyValue: pair["value"], depth: depth + 1)
            }
            return result
        default: return NSNull()
        }
    }

    /// Deepest `AnyValue` nesting shown; the ingest refuses deeper attributes anyway.
    private static let maxValueDepth = 64

    /// A plain JSON value as text: a string as itself, anything else as JSON.
    private static func text(plain value: Any?) -> String {
        switch value {
        case nil, is NSNull: return ""
        case let text as String: return text
        default: return json(value as Any)
        }
    }

    private static func json(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    static func events(_ value: Any?) -> [SpanEventRecord] {
        guard let events = value as? [Any] else { return [] }
        return events.compactMap { item in
            guard let event = item as? [String: Any] else { return nil }
            return SpanEventRecord(
                name: event["name"] as? String ?? "", timeNanos: int64(field(event, "time_unix_nano", "timeUnixNano")),
                attributes: keyValues(event["attributes"], stringsAsJSON: false))
        }
    }
}
