import Foundation

/// How values read on a page: times in UTC, durations, numbers without noise.
enum Formatting {
    /// `2026-11-27 23:08:59` in UTC; empty for a missing or zero time.
    static func time(_ milliseconds: Int64?) -> String {
        guard let milliseconds, milliseconds > 0 else { return "" }
        let seconds = Double(milliseconds) / 1000
        var raw = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&raw, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// `1h 02m`, `3m 20s`, `850ms`; empty when the run has not ended.
    static func duration(from start: Int64?, to end: Int64?) -> String {
        guard let start, let end, start > 0, end >= start else { return "" }
        let milliseconds = end - start
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        let seconds = milliseconds / 1000
        if seconds < 60 { return String(format: "%.1fs", Double(milliseconds) / 1000) }
        if seconds < 3600 { return String(format: "%dm %02ds", seconds / 60, seconds % 60) }
        if seconds < 86_400 { return String(format: "%dh %02dm", seconds / 3600, (seconds % 3600) / 60) }
        return String(format: "%dd %02dh", seconds / 86_400, (seconds % 86_400) / 3600)
    }

    /// Six significant digits, so a loss of `0.123456789` reads `0.123457`.
    static func number(_ value: Double?) -> String {
        guard let value else { return "" }
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }

    /// `1.2 KB`, `3.4 MB`.
    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    /// The first `length` characters, with an ellipsis when cut.
    static func abbreviated(_ text: String, to length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length)) + "…"
    }
}
