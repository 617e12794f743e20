import Foundation
public import StrideDomain
import SwiftProtobuf

/// An OTLP/HTTP trace export (`ExportTraceServiceRequest`), read into Stride's spans.
///
/// Every span is checked before any is returned, so a request is stored whole or refused whole:
/// ids of OpenTelemetry's widths, times that fit, attribute values within size and depth limits.
public enum OTLPTraceExport {
    /// The two encodings OTLP/HTTP defines.
    public enum Encoding: Sendable {
        case protobuf
        case json

        /// The encoding a `Content-Type` names (parameters such as `charset` ignored); nil for others.
        public init?(contentType: String?) {
            switch contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() {
            case "application/x-protobuf": self = .protobuf
            case "application/json": self = .json
            default: return nil
            }
        }
    }

    /// The spans of an export body (already decompressed), in the order the body lists them.
    public static func spans(from body: [UInt8], encoding: Encoding) throws(StrideError) -> [IngestedSpan] {
        let request = try parse(body, encoding: encoding)
        guard !request.resourceSpans.isEmpty else { throw .invalidParameter("Invalid OpenTelemetry format - no spans found") }
        let count = request.resourceSpans.reduce(0) { total, resource in total + resource.scopeSpans.reduce(0) { $0 + $1.spans.count } }
        guard count <= Limits.maxSpansPerExport else {
            throw .invalidParameter("The export holds \(count) spans, more than \(Limits.maxSpansPerExport) (the limit of spans in one request).")
        }
        var spans: [IngestedSpan] = []
        spans.reserveCapacity(count)
        for resourceSpans in request.resourceSpans {
            let resourceTags = try OTLPSpanReading.resourceTags(resourceSpans.resource.attributes)
            for scopeSpans in resourceSpans.scopeSpans {
                for span in scopeSpans.spans { spans.append(try OTLPSpanReading.ingested(span, resourceTags: resourceTags)) }
            }
        }
        return spans
    }

    /// The answer OTLP/HTTP expects: an empty `ExportTraceServiceResponse` in the request's encoding.
    public static func emptyResponse(_ encoding: Encoding) -> (contentType: String, body: [UInt8]) {
        switch encoding {
        case .protobuf: ("application/x-protobuf", [])
        case .json: ("application/json", Array("{}".utf8))
        }
    }

    static func parse(_ body: [UInt8], encoding: Encoding) throws(StrideError) -> Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest {
        do {
            switch encoding {
            case .protobuf:
                var options = BinaryDecodingOptions()
                options.messageDepthLimit = Limits.maxSpanAttributeDepth * 2 + 8
                return try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest(serializedBytes: body, options: options)
            case .json:
                var options = JSONDecodingOptions()
                options.ignoreUnknownFields = true
                options.messageDepthLimit = Limits.maxSpanAttributeDepth * 2 + 8
                return try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest(
                    jsonUTF8Bytes: try OTLPJSONIDs.base64Encoded(body), options: options)
            }
        } catch let error as StrideError {
            throw error
        } catch {
            throw .invalidParameter("Invalid OpenTelemetry format")
        }
    }
}
