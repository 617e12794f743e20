import Foundation
public import StrideDomain
import SwiftProtobuf

/// A trace's stored spans as MLflow's `traces.json` (`TraceData.to_dict`): what
/// `get-trace-artifact` answers when the server holds the spans. Each span is written as MLflow's
/// `Span.to_dict` does: ids in base64, times as numbers, status codes by name, span attribute
/// values as the JSON text MLflow keeps them in, event attribute values as plain JSON.
public enum MLflowTraceData {
    public static func json(_ spans: [TraceSpan]) -> String {
        var out = "{\"spans\": ["
        var first = true
        for stored in spans {
            guard let span = try? OTLPSpan(jsonString: stored.content, options: decodingOptions) else { continue }
            if !first { out += ", " }
            first = false
            write(span, to: &out)
        }
        return out + "]}"
    }

    private static var decodingOptions: JSONDecodingOptions {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        return options
    }

    private static func write(_ span: OTLPSpan, to out: inout String) {
        out += "{\"trace_id\": " + JSONText.quoted(span.traceID.base64EncodedString())
        out += ", \"span_id\": " + JSONText.quoted(span.spanID.base64EncodedString())
        out += ", \"parent_span_id\": " + (span.parentSpanID.isEmpty ? "null" : JSONText.quoted(span.parentSpanID.base64EncodedString()))
        out += ", \"name\": " + JSONText.quoted(span.name, asciiOnly: false)
        out += ", \"start_time_unix_nano\": \(span.startTimeUnixNano)"
        out += ", \"end_time_unix_nano\": " + (span.endTimeUnixNano == 0 ? "null" : "\(span.endTimeUnixNano)")
        out += ", \"events\": ["
        for (index, event) in span.events.enumerated() {
            if index > 0 { out += ", " }
            out += "{\"name\": " + JSONText.quoted(event.name, asciiOnly: false) + ", \"time_unix_nano\": \(event.timeUnixNano), \"attributes\": {"
            out += event.attributes.map { JSONText.quoted($0.key, asciiOnly: false) + ": " + OTLPAttributeValue.jsonText($0.value) }.joined(separator: ", ")
            out += "}}"
        }
        out += "], \"status\": {\"code\": " + JSONText.quoted(statusCodeName(span.status.code.rawValue))
        out += ", \"message\": " + JSONText.quoted(span.status.message, asciiOnly: false) + "}"
        out += ", \"attributes\": {"
        out += span.attributes.map {
            JSONText.quoted($0.key, asciiOnly: false) + ": " + JSONText.quoted(OTLPAttributeValue.jsonText($0.value), asciiOnly: false)
        }.joined(separator: ", ")
        out += "}}"
    }

    private static func statusCodeName(_ code: Int) -> String {
        switch code {
        case 1: "STATUS_CODE_OK"
        case 2: "STATUS_CODE_ERROR"
        default: "STATUS_CODE_UNSET"
        }
    }
}
