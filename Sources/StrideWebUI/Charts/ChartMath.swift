/// The few numeric guards the chart math shares, so that no logged value (a subnormal, the largest
/// double, a difference that overflows) can trap or leave a non-finite number in a chart.
enum ChartMath {
    /// `value` with an overflow to ±infinity brought back to the largest finite double; NaN stays NaN.
    static func finite(_ value: Double) -> Double {
        min(max(value, -Double.greatestFiniteMagnitude), Double.greatestFiniteMagnitude)
    }

    /// The whole number `value` rounds to by `rule`, or nil when that is NaN, infinite or beyond `Int`.
    static func whole(_ value: Double, rounding rule: FloatingPointRoundingRule) -> Int? {
        Int(exactly: value.rounded(rule))
    }

    /// Where `value` sits between `low` (0) and `high` (1), computed without overflow even when
    /// `high - low` exceeds the largest double; nil for an empty range or a NaN.
    static func fraction(of value: Double, from low: Double, to high: Double) -> Double? {
        let span = high - low
        let fraction = span.isFinite ? (value - low) / span : (value / 2 - low / 2) / (high / 2 - low / 2)
        guard span > 0, !fraction.isNaN else { return nil }
        return fraction
    }
}
