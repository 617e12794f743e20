import Foundation

/// Token counts of LLM calls, as MLflow records them: `{"input_tokens": 12, "output_tokens": 30,
/// "total_tokens": 42}` in the trace's `mlflow.trace.tokenUsage` metadata and on chat spans.
struct TokenUsage: Sendable, Equatable {
    var input: Int64?
    var output: Int64?
    var total: Int64?

    init(input: Int64?, output: Int64?, total: Int64?) {
        self.input = input
        self.output = output
        self.total = total
    }

    /// Reads the JSON object; nil when it is not one or carries none of the counts.
    init?(json: String) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else { return nil }
        input = SpanJSON.int64(object["input_tokens"])
        output = SpanJSON.int64(object["output_tokens"])
        total = SpanJSON.int64(object["total_tokens"])
        guard input != nil || output != nil || total != nil else { return nil }
    }

    /// The counts of several calls added up; a sum that would overflow is left out rather than wrapped.
    static func sum(_ usages: [TokenUsage]) -> TokenUsage? {
        guard !usages.isEmpty else { return nil }
        func add(_ values: [Int64?]) -> Int64? {
            var total: Int64 = 0
            var any = false
            for value in values {
                guard let value else { continue }
                let (sum, overflow) = total.addingReportingOverflow(value)
                guard !overflow else { return nil }
                total = sum
                any = true
            }
            return any ? total : nil
        }
        return TokenUsage(input: add(usages.map(\.input)), output: add(usages.map(\.output)), total: add(usages.map(\.total)))
    }

    /// `12 in · 30 out · 42 total`, naming only the counts present.
    var text: String {
        [input.map { "\($0) in" }, output.map { "\($0) out" }, total.map { "\($0) total" }].compactMap { $0 }.joined(separator: " · ")
    }
}
