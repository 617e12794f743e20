import Foundation

/// Short human labels for numbers on axes and in hover titles: `0.001`, `1.5k`, `2e-7`.
enum ChartNumberLabel {
    /// A tick label; `step` (the distance between ticks) decides how many decimals are worth showing,
    /// and `magnitude` (the largest absolute value on the axis) whether the axis needs exponents.
    static func tick(_ value: Double, step: Double, magnitude: Double) -> String {
        var writer = ChartSVGWriter(capacity: 16)
        if value == 0 || value.magnitude < step.magnitude * 1e-9 {
            writer.raw("0")
        } else if magnitude < 1e-3 || magnitude >= 1e15 {
            writer.significant(value, digits: 3)
        } else if let suffix = ChartMetricSuffix(forMagnitude: value.magnitude) {
            let scaled = value / suffix.factor
            writer.decimal(scaled, fractionDigits: decimals(forStep: step / suffix.factor))
            writer.raw(suffix.symbol)
        } else {
            writer.decimal(value, fractionDigits: decimals(forStep: step))
        }
        return writer.string
    }

    /// A value shown on its own, as in a hover title: up to six significant digits.
    static func value(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-Inf" : "Inf") }
        var writer = ChartSVGWriter(capacity: 16)
        writer.significant(value, digits: 6)
        return writer.string
    }

    private static func decimals(forStep step: Double) -> Int {
        guard step.isFinite, step > 0 else { return 0 }
        // The nudge keeps a step like 0.1 (stored as 0.1000000000000000055) at one decimal.
        return min(max(0, -(ChartMath.whole(log10(step) + 1e-9, rounding: .down) ?? 0)), 12)
    }
}

private struct ChartMetricSuffix {
    var factor: Double
    var symbol: StaticString

    init?(forMagnitude magnitude: Double) {
        switch magnitude {
        case 1e12...: (factor, symbol) = (1e12, "T")
        case 1e9...: (factor, symbol) = (1e9, "G")
        case 1e6...: (factor, symbol) = (1e6, "M")
        case 1e3...: (factor, symbol) = (1e3, "k")
        default: return nil
        }
    }
}
