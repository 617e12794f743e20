/// Token counts of an LLM call or of a whole trace: a span's `mlflow.chat.tokenUsage` attribute and
/// the trace's `mlflow.trace.tokenUsage` metadata, both JSON objects of counts.
public struct TokenUsage: Sendable, Equatable {
    /// The counts every usage carries, zero when a span leaves one out, in MLflow's order.
    public static let requiredKeys = ["input_tokens", "output_tokens", "total_tokens"]
    /// Prompt-cache counts, kept only where some span reports them.
    public static let optionalKeys = ["cache_read_input_tokens", "cache_creation_input_tokens", "cache_creation_input_tokens_above_1hr"]

    /// Counts by key, in the order `requiredKeys` then `optionalKeys`.
    public private(set) var counts: [(key: String, value: Int64)]

    /// Usage from the counts a span reports; keys outside MLflow's are ignored, and a usage
    /// that reports none of them is nil. `fillingRequired` gives every required count a value, zero
    /// when unreported, as MLflow's ingest does; without it only the reported counts are kept, so a
    /// page can name just what the client sent.
    public init?(reported: [(key: String, value: Int64)], fillingRequired: Bool = true) {
        let known = Self.requiredKeys + Self.optionalKeys
        let relevant = reported.filter { known.contains($0.key) && $0.value >= 0 }
        guard !relevant.isEmpty else { return nil }
        counts = Self.requiredKeys.compactMap { key in
            relevant.last { $0.key == key }.map { (key, $0.value) } ?? (fillingRequired ? (key, 0) : nil)
        } + Self.optionalKeys.compactMap { key in relevant.last { $0.key == key }.map { (key, $0.value) } }
    }

    /// The counts present in a JSON object as clients and autologgers write it, unreported ones left
    /// out: whole numbers, integral floats or digit strings; other members are ignored. Nil when the
    /// text is not an object or holds none of MLflow's counts.
    public init?(presentIn jsonText: String) {
        guard case .object(let members) = try? JSONParser.parse(Array(jsonText.utf8)) else { return nil }
        let reported: [(key: String, value: Int64)] = members.compactMap { member in
            switch member.value {
            case .integer(let value): (member.key, value)
            case .double(let value): Int64(exactly: value).map { (member.key, $0) }
            case .string(let text): Int64(text).map { (member.key, $0) }
            default: nil
            }
        }
        self.init(reported: reported, fillingRequired: false)
    }

    /// Reads the flat JSON object of counts that ``jsonText`` writes (and MLflow's clients send); nil for anything else.
    public init?(jsonText: String) {
        var text = Substring(jsonText).drop { $0.isWhitespace }
        guard text.first == "{", text.last == "}" else { return nil }
        text = text.dropFirst().dropLast()
        var reported: [(key: String, value: Int64)] = []
        for member in text.split(separator: ",") {
            let parts = member.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            let key = Self.trimmed(parts[0])
            guard key.count >= 2, key.first == "\"", key.last == "\"", let value = Int64(Self.trimmed(parts[1])) else {
                return nil
            }
            reported.append((String(key.dropFirst().dropLast()), value))
        }
        self.init(reported: reported)
    }

    private static func trimmed(_ text: Substring) -> Substring {
        let start = text.drop { $0.isWhitespace }
        return start.dropLast(start.reversed().prefix { $0.isWhitespace }.count)
    }

    public static func == (lhs: TokenUsage, rhs: TokenUsage) -> Bool {
        lhs.counts.elementsEqual(rhs.counts) { $0.key == $1.key && $0.value == $1.value }
    }

    public func count(_ key: String) -> Int64? { counts.first { $0.key == key }?.value }

    /// The sum of two usages; a count that would overflow stays at `Int64.max`.
    public func adding(_ other: TokenUsage) -> TokenUsage {
        var sum = self
        for (key, value) in other.counts {
            if let index = sum.counts.firstIndex(where: { $0.key == key }) {
                let (total, overflow) = sum.counts[index].value.addingReportingOverflow(value)
                sum.counts[index].value = overflow ? .max : total
            } else {
                sum.counts.append((key, value))
            }
        }
        let order = Self.requiredKeys + Self.optionalKeys
        sum.counts.sort { (order.firstIndex(of: $0.key) ?? order.count) < (order.firstIndex(of: $1.key) ?? order.count) }
        return sum
    }

    /// The usage as the JSON object MLflow's metadata holds (`{"input_tokens": 3, ...}`).
    public var jsonText: String {
        "{" + counts.map { "\(JSONText.quoted($0.key)): \($0.value)" }.joined(separator: ", ") + "}"
    }
}
