import Foundation
import StrideDomain
import SwiftProtobuf
import Testing

@testable import StrideOTLP

@Suite struct OTLPTraceExportTests {
    static let traceBytes: [UInt8] = Array(0..<16)

    static func span(parent: [UInt8] = [], attributes: [(String, OTLPAnyValue)] = []) -> OTLPSpan {
        var span = OTLPSpan()
        span.traceID = Data(traceBytes)
        span.spanID = Data(parent.isEmpty ? [1, 1, 1, 1, 1, 1, 1, 1] : [2, 2, 2, 2, 2, 2, 2, 2])
        span.parentSpanID = Data(parent)
        span.name = parent.isEmpty ? "root" : "child"
        span.startTimeUnixNano = 1_700_000_000_000_000_000
        span.endTimeUnixNano = 1_700_000_000_500_000_000
        span.attributes = attributes.map { key, value in
            var pair = OTLPKeyValue()
            pair.key = key
            pair.value = value
            return pair
        }
        return span
    }

    static func body(_ spans: [OTLPSpan]) throws -> [UInt8] {
        var request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest()
        var scope = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        scope.spans = spans
        var resource = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        resource.scopeSpans = [scope]
        request.resourceSpans = [resource]
        return try request.serializedBytes()
    }

    static func string(_ text: String) -> OTLPAnyValue {
        var value = OTLPAnyValue()
        value.stringValue = text
        return value
    }

    static func usage(_ counts: [(String, Int64)]) -> OTLPAnyValue {
        var list = Opentelemetry_Proto_Common_V1_KeyValueList()
        list.values = counts.map { key, count in
            var pair = OTLPKeyValue()
            pair.key = key
            pair.value.intValue = count
            return pair
        }
        var value = OTLPAnyValue()
        value.kvlistValue = list
        return value
    }

    @Test func aProtobufExportBecomesSpansWithTheirTracesFacts() throws {
        let root = Self.span(attributes: [("mlflow.spanType", Self.string("CHAIN")), ("mlflow.traceTag.team", Self.string("ocean"))])
        let child = Self.span(parent: [1, 1, 1, 1, 1, 1, 1, 1], attributes: [("mlflow.chat.tokenUsage", Self.usage([("input_tokens", 3), ("output_tokens", 4), ("total_tokens", 7)]))])
        let spans = try OTLPTraceExport.spans(from: try Self.body([root, child]), encoding: .protobuf)
        #expect(spans.map(\.span.traceID) == ["tr-000102030405060708090a0b0c0d0e0f", "tr-000102030405060708090a0b0c0d0e0f"])
        #expect(spans[0].span.spanType == "CHAIN")
        #expect(spans[0].span.endTimeNanos == 1_700_000_000_500_000_000)
        #expect(spans[0].traceTags == [Tag(key: "team", value: "ocean")])
        #expect(spans[1].span.parentSpanID == "0101010101010101")
        #expect(spans[1].tokenUsage?.jsonText == #"{"input_tokens": 3, "output_tokens": 4, "total_tokens": 7}"#)
        #expect(spans[0].span.content.contains(#""trace_id":"AAECAwQFBgcICQoLDA0ODw==""#))
    }

    @Test func jsonExportsCarryHexIDs() throws {
        let json = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"000102030405060708090a0b0c0d0e0f","spanId":"0101010101010101","name":"j","startTimeUnixNano":"5"}]}]}]}"#
        let spans = try OTLPTraceExport.spans(from: Array(json.utf8), encoding: .json)
        #expect(spans.map(\.span.spanID) == ["0101010101010101"])
        #expect(spans[0].span.endTimeNanos == nil)
    }

    @Test func malformedBodiesAndOversizedAttributesAreRefused() throws {
        #expect(throws: StrideError.self) { try OTLPTraceExport.spans(from: [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], encoding: .protobuf) }
        #expect(throws: StrideError.self) { try OTLPTraceExport.spans(from: [], encoding: .protobuf) }
        let huge = Self.span(attributes: [("blob", Self.string(String(repeating: "x", count: Limits.maxSpanAttributeBytes + 1)))])
        #expect(throws: StrideError.self) { try OTLPTraceExport.spans(from: try Self.body([huge]), encoding: .protobuf) }
        var narrow = Self.span()
        narrow.traceID = Data([1, 2])
        #expect(throws: StrideError.self) { try OTLPTraceExport.spans(from: try Self.body([narrow]), encoding: .protobuf) }
    }

    @Test func chatInputsPreviewTheLastUserMessage() {
        var message = Opentelemetry_Proto_Common_V1_KeyValueList()
        var role = OTLPKeyValue()
        role.key = "role"
        role.value = Self.string("user")
        var content = OTLPKeyValue()
        content.key = "content"
        content.value = Self.string("When is high tide?")
        message.values = [role, content]
        var item = OTLPAnyValue()
        item.kvlistValue = message
        var array = Opentelemetry_Proto_Common_V1_ArrayValue()
        array.values = [item]
        var messages = OTLPKeyValue()
        messages.key = "messages"
        messages.value.arrayValue = array
        var inputs = OTLPAnyValue()
        inputs.kvlistValue.values = [messages]
        #expect(ChatPreview.text(of: inputs, role: "user") == "When is high tide?")
        #expect(ChatPreview.text(of: Self.string("plain"), role: "user") == #""plain""#)
    }

    @Test func gzipBodiesAreInflatedWithinTheLimit() throws {
        // "hi" gzip-compressed.
        let gzip: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xCB, 0xC8, 0x04, 0x00, 0xAC, 0x2A, 0x93, 0xD8, 0x02, 0x00, 0x00, 0x00]
        #expect(try OTLPBodyDecompression.decode(gzip, encoding: "gzip") == Array("hi".utf8))
        #expect(throws: StrideError.self) { try OTLPBodyDecompression.decode(gzip, encoding: "gzip", maxBytes: 1) }
        #expect(throws: StrideError.self) { try OTLPBodyDecompression.decode([1, 2, 3], encoding: "gzip") }
        #expect(throws: StrideError.self) { try OTLPBodyDecompression.decode(gzip, encoding: "br") }
    }
}
