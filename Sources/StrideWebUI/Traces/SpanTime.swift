import Foundation

/// Span times as a page shows them: nanosecond clocks in readable units.
enum SpanTime {
    /// `0.042ms`, `12.5ms`, `3.20s`, `4m 05s`.
    static func duration(nanos: Double) -> String {
        guard nanos.isFinite, nanos >= 0 else { return "" }
        let milliseconds = nanos / 1_000_000
        if milliseconds < 1 { return fixed(milliseconds, decimals: 3) + "ms" }
        if milliseconds < 1000 { return fixed(milliseconds, decimals: 1) + "ms" }
        let seconds = milliseconds / 1000
        if seconds < 60 { return fixed(seconds, decimals: 2) + "s" }
        guard seconds < 1e12 else { return String(format: "%.3gs", seconds) }
        let whole = Int64(seconds)
        let rest = whole % 60
        return "\(whole / 60)m " + (rest < 10 ? "0" : "") + "\(rest)s"
    }

    /// `value` (0 ≤ value < 1e12) with `decimals` digits after the point, as `%.Nf` writes it; without
    /// Foundation's `String(format:)`, which cost more than the rest of a span's row on a 1,000-span page.
    private static func fixed(_ value: Double, decimals: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64(exactly: (value * Double(scale)).rounded()) ?? 0
        let fraction = String(scaled % scale)
        return "\(scaled / scale)." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// A trace's latency in milliseconds, as MLflow records it.
    static func latency(milliseconds: Int64?) -> String {
        guard let milliseconds, milliseconds >= 0 else { return "" }
        return duration(nanos: Double(milliseconds) * 1_000_000)
    }
}
