import Foundation

/// Span times as a page shows them: nanosecond clocks in readable units.
enum SpanTime {
    /// `0.042ms`, `12.5ms`, `3.20s`, `4m 05s`.
    static func duration(nanos: Double) -> String {
        guard nanos.isFinite, nanos >= 0 else { return "" }
        let milliseconds = nanos / 1_000_000
        if milliseconds < 1 { return String(format: "%.3fms", milliseconds) }
        if milliseconds < 1000 { return String(format: "%.1fms", milliseconds) }
        let seconds = milliseconds / 1000
        if seconds < 60 { return String(format: "%.2fs", seconds) }
        guard seconds < 1e12 else { return String(format: "%.3gs", seconds) }
        let whole = Int64(seconds)
        return String(format: "%lldm %02llds", whole / 60, whole % 60)
    }

    /// A trace's latency in milliseconds, as MLflow records it.
    static func latency(milliseconds: Int64?) -> String {
        guard let milliseconds, milliseconds >= 0 else { return "" }
        return duration(nanos: Double(milliseconds) * 1_000_000)
    }
}
