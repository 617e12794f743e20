import StrideDomain
import Testing

@Suite("Token usage")
struct TokenUsageTests {
    @Test("ingest fills the required counts a span leaves out with zero; a page keeps only those present")
    func requiredCounts() {
        let reported: [(key: String, value: Int64)] = [(key: "output_tokens", value: 7)]
        #expect(TokenUsage(reported: reported)?.jsonText == #"{"input_tokens": 0, "output_tokens": 7, "total_tokens": 0}"#)
        #expect(TokenUsage(reported: reported, fillingRequired: false)?.jsonText == #"{"output_tokens": 7}"#)
    }

    @Test("counts present in a JSON object: whole numbers, integral floats and digit strings; other members ignored")
    func presentCounts() {
        let usage = TokenUsage(presentIn: #"{"input_tokens": 3.0, "total_tokens": "9", "model": "m", "nested": {"input_tokens": 99}}"#)
        #expect(usage?.count("input_tokens") == 3)
        #expect(usage?.count("output_tokens") == nil)
        #expect(usage?.count("total_tokens") == 9)
        #expect(TokenUsage(presentIn: #"{"input_tokens": 1.5}"#) == nil)
        #expect(TokenUsage(presentIn: "[1]") == nil)
        #expect(TokenUsage(presentIn: #"{"input_tokens": -1}"#) == nil)
    }
}
