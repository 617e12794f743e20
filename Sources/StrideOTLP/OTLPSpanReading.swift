import Foundation
import StrideDomain
import SwiftProtobuf

typealias OTLPSpan = Opentelemetry_Proto_Trace_V1_Span
typealias OTLPKeyValue = Opentelemetry_Proto_Common_V1_KeyValue
typealias OTLPAnyValue = Opentelemetry_Proto_Common_V1_AnyValue

/// One OTLP span read into a stored span and the facts its trace takes from it.
enum OTLPSpanReading {
    /// Span attributes with a meaning to MLflow (`SpanAttributeKey` in its client).
    enum Key {
        static let spanType = "mlflow.spanType"
        static let inputs = "mlflow.spanInputs"
        static let outputs = "mlflow.spanOutputs"
        static let tokenUsage = "mlflow.chat.tokenUsage"
        static let traceTagPrefix = "mlflow.traceTag."
    }

    static func ingested(_ span: OTLPSpan, resourceTags: [Tag]) throws(StrideError) -> IngestedSpan {
        guard span.traceID.count == 16 else { throw .invalidParameter("Invalid OpenTelemetry span: trace_id must be 16 bytes.") }
        guard span.spanID.count == 8 else { throw .invalidParameter("Invalid OpenTelemetry span: span_id must be 8 bytes.") }
        guard span.parentSpanID.isEmpty || span.parentSpanID.count == 8 else {
            throw .invalidParameter("Invalid OpenTelemetry span: parent_span_id must be empty or 8 bytes.")
        }
        guard let start = Int64(exactly: span.startTimeUnixNano), let end = Int64(exactly: span.endTimeUnixNano) else {
            throw .invalidParameter("Invalid OpenTelemetry span: a time is beyond the year 2262.")
        }
        for attribute in span.attributes { try OTLPAttributeValue.check(attribute) }
        for event in span.events { for attribute in event.attributes { try OTLPAttributeValue.check(attribute) } }
        for link in span.links { for attribute in link.attributes { try OTLPAttributeValue.check(attribute) } }
        let content: String
        do {
            var options = JSONEncodingOptions()
            options.preserveProtoFieldNames = true
            content = try span.jsonString(options: options)
        } catch {
            throw .invalidParameter("Invalid OpenTelemetry span: it cannot be written as JSON.")
        }
        guard content.utf8.count <= Limits.maxSpanContentBytes else {
            throw .invalidParameter("An OpenTelemetry span of \(content.utf8.count) bytes exceeds \(Limits.maxSpanContentBytes) bytes.")
        }
        let attribute = { (key: String) in span.attributes.last { $0.key == key }?.value }
        let isRoot = span.parentSpanID.isEmpty
        let stored = TraceSpan(
            traceID: TraceID.fromOpenTelemetry(span.traceID), spanID: Hex.encode(span.spanID),
            parentSpanID: isRoot ? nil : Hex.encode(span.parentSpanID), name: span.name, startTimeNanos: start,
            endTimeNanos: end == 0 ? nil : end, statusCode: span.status.code.rawValue,
            spanType: attribute(Key.spanType).flatMap(OTLPAttributeValue.plainString), content: content)
        var tags = resourceTags
        if isRoot {
            for pair in span.attributes where pair.key.hasPrefix(Key.traceTagPrefix) {
                tags.append(Tag(key: String(pair.key.dropFirst(Key.traceTagPrefix.count)), value: OTLPAttributeValue.tagText(pair.value)))
            }
        }
        return IngestedSpan(
            span: stored, tokenUsage: attribute(Key.tokenUsage).flatMap(OTLPAttributeValue.tokenUsage),
            requestPreview: isRoot ? attribute(Key.inputs).map { ChatPreview.text(of: $0, role: "user") } : nil,
            responsePreview: isRoot ? attribute(Key.outputs).map { ChatPreview.text(of: $0, role: "assistant") } : nil,
            traceTags: tags)
    }

    /// Resource attributes become trace tags, as in MLflow's server, except OpenTelemetry's SDK
    /// details and the `mlflow.` keys a client must not set this way.
    static func resourceTags(_ attributes: [OTLPKeyValue]) throws(StrideError) -> [Tag] {
        var tags: [Tag] = []
        for attribute in attributes where !attribute.key.hasPrefix("telemetry.sdk.") && !attribute.key.hasPrefix("mlflow.") {
            try OTLPAttributeValue.check(attribute)
            tags.append(Tag(key: attribute.key, value: OTLPAttributeValue.tagText(attribute.value)))
        }
        return tags
    }
}
