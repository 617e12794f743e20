import Foundation
import StrideDomain

/// Feedback or an expectation as a row of the trace page: its value, rationale and source read
/// from the message members the store keeps as sent.
struct AssessmentRow: Sendable {
    var name: String
    /// `feedback` or `expectation`.
    var kind: String
    var value: String
    var rationale: String
    var source: String
    var spanID: String
    var time: String
    var valid: Bool

    init(_ assessment: Assessment) {
        let details = (try? JSONSerialization.jsonObject(with: Data(assessment.details.utf8))) as? [String: Any] ?? [:]
        let kind = details["feedback"] != nil ? "feedback" : details["expectation"] != nil ? "expectation" : ""
        let body = details[kind] as? [String: Any] ?? [:]
        // An expectation too structured for a plain value arrives as `serialized_value`.
        let value = body["value"] ?? (body["serialized_value"] as? [String: Any])?["value"]
        let error = (body["error"] as? [String: Any])?["error_message"] as? String
        let source = details["source"] as? [String: Any] ?? [:]
        name = assessment.name
        self.kind = kind
        self.value = SpanValueText(Self.text(value) ?? error.map { "error: \($0)" } ?? "").text
        rationale = details["rationale"] as? String ?? ""
        self.source = [source["source_type"] as? String, source["source_id"] as? String].compactMap { $0 }.joined(separator: " · ")
        spanID = assessment.spanID ?? ""
        time = Formatting.time(assessment.createTime)
        valid = assessment.valid
    }

    private static func text(_ value: Any?) -> String? {
        switch value {
        case nil, is NSNull: return nil
        case let text as String: return text
        default:
            guard let data = try? JSONSerialization.data(withJSONObject: value as Any, options: [.fragmentsAllowed, .sortedKeys]) else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
