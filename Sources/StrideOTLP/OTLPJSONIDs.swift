import Foundation
import StrideDomain

/// OTLP's JSON encoding writes trace and span ids as hex, where protobuf's JSON mapping (which the
/// decoder follows) reads `bytes` as base64: the ids are rewritten before the body is decoded.
enum OTLPJSONIDs {
    private static let idKeys: Set<String> = ["traceId", "trace_id", "spanId", "span_id", "parentSpanId", "parent_span_id"]

    static func base64Encoded(_ body: [UInt8]) throws(StrideError) -> [UInt8] {
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        } catch {
            throw .invalidParameter("Invalid OpenTelemetry format")
        }
        guard var root = document as? [String: Any] else { throw .invalidParameter("Invalid OpenTelemetry format") }
        for resourceKey in ["resourceSpans", "resource_spans"] {
            guard let resources = root[resourceKey] as? [Any] else { continue }
            root[resourceKey] = try resources.map { (resource) throws(StrideError) in
                try rewriting(resource, path: [["scopeSpans", "scope_spans"], ["spans"]])
            }
        }
        do {
            return Array(try JSONSerialization.data(withJSONObject: root))
        } catch {
            throw .invalidParameter("Invalid OpenTelemetry format")
        }
    }

    /// Follows `path` (each step one of several spellings of a key) down to the spans, and rewrites
    /// the ids of each span and of its links.
    private static func rewriting(_ node: Any, path: [[String]]) throws(StrideError) -> Any {
        guard var object = node as? [String: Any] else { return node }
        guard let step = path.first else {
            object = try rewritingIDs(object)
            if let links = object["links"] as? [Any] {
                object["links"] = try links.map { (link) throws(StrideError) -> Any in
                    guard let link = link as? [String: Any] else { return link }
                    return try rewritingIDs(link)
                }
            }
            return object
        }
        for key in step {
            guard let children = object[key] as? [Any] else { continue }
            object[key] = try children.map { (child) throws(StrideError) in try rewriting(child, path: Array(path.dropFirst())) }
        }
        return object
    }

    private static func rewritingIDs(_ object: [String: Any]) throws(StrideError) -> [String: Any] {
        var object = object
        for key in idKeys {
            guard let hex = object[key] as? String, !hex.isEmpty else { continue }
            guard let bytes = bytes(ofHex: hex) else {
                throw .invalidParameter("Invalid OpenTelemetry format: '\(key)' must be hexadecimal.")
            }
            object[key] = Data(bytes).base64EncodedString()
        }
        return object
    }

    static func bytes(ofHex hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0, digits.count <= 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
