import StrideDomain

/// How the traces table and the trace page show token usage: only the counts the client reported.
extension TokenUsage {
    /// `12 in · 30 out · 42 total`, naming only the counts present; nil when none of the three is.
    var displayText: String? {
        let parts = [("input_tokens", "in"), ("output_tokens", "out"), ("total_tokens", "total")].compactMap { key, label in
            count(key).map { "\($0) \(label)" }
        }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    /// The usages of several calls added up (a count that would overflow stays at `Int64.max`); nil for none.
    static func sum(_ usages: [TokenUsage]) -> TokenUsage? {
        guard let first = usages.first else { return nil }
        return usages.dropFirst().reduce(first) { $0.adding($1) }
    }
}
