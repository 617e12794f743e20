import Foundation

/// Decimal output without `String(format:)`, which is far too slow for thousands of coordinates.
extension ChartSVGWriter {
    private static let powersOfTen: [Double] = (0...17).map { pow(10, Double($0)) }
    private static let unsignedPowersOfTen: [UInt] = (0...17).reduce(into: []) { powers, index in powers.append(index == 0 ? 1 : powers[index - 1] * 10) }

    /// Writes `value` rounded to `fractionDigits` decimals, with trailing zeros and a lone `-0` dropped.
    mutating func decimal(_ value: Double, fractionDigits requestedDigits: Int) {
        guard value.isFinite else {
            raw("0")
            return
        }
        let fractionDigits = min(max(requestedDigits, 0), 17)
        let scale = Self.powersOfTen[fractionDigits]
        let scaled = (value.magnitude * scale).rounded()
        guard scaled < 9.0e18 else {
            significant(value, digits: 6)
            return
        }
        guard let units = UInt(exactly: scaled) else {
            significant(value, digits: 6)
            return
        }
        guard units != 0 else {
            raw("0")
            return
        }
        if value < 0 { raw("-") }
        let divisor = Self.unsignedPowersOfTen[fractionDigits]
        unsigned(units / divisor)
        var fraction = units % divisor
        guard fraction != 0 else { return }
        var digits = fractionDigits
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        raw(".")
        unsigned(fraction, minimumDigits: digits)
    }

    /// ⌊log10(magnitude)⌋, found by comparison in the common range because `log10` is slow and can
    /// land just below an exact power of ten.
    private static func decimalExponent(of magnitude: Double) -> Int {
        guard magnitude >= 1e-5, magnitude < 1e17 else { return ChartMath.whole(log10(magnitude), rounding: .down) ?? 0 }
        if magnitude >= 1 {
            var exponent = 0
            while exponent < 16, magnitude >= powersOfTen[exponent + 1] { exponent += 1 }
            return exponent
        }
        var exponent = -1
        while magnitude * powersOfTen[-exponent] < 1 { exponent -= 1 }
        return exponent
    }

    /// Writes `value` with at most `digits` significant digits, in exponent form (`2e-7`, `1.5e15`)
    /// when it is very small or very large.
    mutating func significant(_ value: Double, digits: Int) {
        guard value.isFinite, value != 0 else {
            raw("0")
            return
        }
        if value.magnitude < 1e15, let whole = Int(exactly: value) {
            integer(whole)
            return
        }
        let exponent = Self.decimalExponent(of: value.magnitude)
        if exponent >= -4, exponent < 15 {
            decimal(value, fractionDigits: max(0, digits - 1 - exponent))
            return
        }
        var mantissaExponent = exponent
        // Below 1e-300 the power of ten itself would underflow, so the value is lifted first.
        var mantissa = exponent < -300 ? value * 1e300 / pow(10, Double(exponent + 300)) : value / pow(10, Double(exponent))
        let roundingScale = Self.powersOfTen[max(0, digits - 1)]
        mantissa = (mantissa * roundingScale).rounded() / roundingScale
        if mantissa.magnitude >= 10 {
            mantissa /= 10
            mantissaExponent += 1
        }
        decimal(mantissa, fractionDigits: digits - 1)
        raw("e")
        integer(mantissaExponent)
    }
}
