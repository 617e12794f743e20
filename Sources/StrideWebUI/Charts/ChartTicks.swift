import Foundation

/// An axis: the range it spans and the labelled tick positions on it.
struct ChartTicks: Sendable {
    var domain: ClosedRange<Double>
    var values: [Double]
    var labels: [String]
}

extension ChartTicks {
    /// Ticks at multiples of 1, 2 or 5 × 10ⁿ; with `extendToNice` the domain grows to the outer ticks
    /// so the data never touches an unlabelled edge.
    static func linear(_ data: ClosedRange<Double>, count: Int, extendToNice: Bool = true) -> ChartTicks {
        let range = padded(data)
        guard let step = ChartNiceStep(span: range.upperBound - range.lowerBound, count: min(count, 50)),
              let first = step.index(range.lowerBound, rounding: extendToNice ? .down : .up),
              let last = step.index(range.upperBound, rounding: extendToNice ? .up : .down),
              first <= last
        else {
            return fallback(range)
        }
        let values = (first...last).map(step.value(at:))
        let domain = extendToNice ? values[0]...values[values.count - 1] : range
        let magnitude = max(domain.lowerBound.magnitude, domain.upperBound.magnitude)
        let labels = values.map { ChartNumberLabel.tick($0, step: step.size, magnitude: magnitude) }
        return ChartTicks(domain: domain, values: values, labels: labels)
    }

    /// Ticks at powers of ten, with 2 and 5 multiples added when the range spans few decades; the
    /// domain grows to the nearest 1, 2 or 5 × 10ⁿ around the data. `data` must be positive.
    static func logarithmic(_ data: ClosedRange<Double>, count: Int) -> ChartTicks {
        let range = padded(data)
        let low = range.lowerBound > 0 ? range.lowerBound : range.upperBound / 10
        let high = range.upperBound
        // Kept within the normal doubles so every power of ten is non-zero and finite.
        let lowExponent = max(ChartMath.whole(log10(low), rounding: .down) ?? -307, -307)
        let highExponent = min(max(ChartMath.whole(log10(high), rounding: .up) ?? 308, lowExponent + 1), 308)
        let decades = highExponent - lowExponent
        let multiples: [Double] = decades <= 2 ? [1, 2, 5] : [1]
        let perTick = max(count, 2)
        let decadeStride = max(1, (decades + perTick - 1) / perTick)
        var candidates: [Double] = []
        var exponent = lowExponent
        while true {
            let power = pow(10, Double(exponent))
            candidates += multiples.map { $0 * power }.filter(\.isFinite)
            if exponent >= highExponent { break }
            exponent += decadeStride
        }
        let domainLow = candidates.last { $0 <= low * (1 + 1e-9) } ?? candidates[0]
        let domainHigh = candidates.first { $0 >= high * (1 - 1e-9) } ?? candidates[candidates.count - 1]
        let values = candidates.filter { $0 >= domainLow && $0 <= domainHigh }
        let labels = values.map { ChartNumberLabel.tick($0, step: $0, magnitude: $0) }
        return ChartTicks(domain: domainLow...domainHigh, values: values, labels: labels)
    }

    /// Ticks on wall-clock boundaries (seconds, minutes, hours, days in UTC) inside the data range.
    static func wallTime(_ data: ClosedRange<Double>, count: Int) -> ChartTicks {
        let range = padded(data, minimumPad: 60_000)
        let span = range.upperBound - range.lowerBound
        let wanted = span / Double(max(count, 1))
        // Slightly denser than asked rather than sparser: 15-minute ticks beat 30-minute ones for 100 minutes.
        let step = ChartTicks.wallSteps.first { $0 >= wanted * 0.7 }
            ?? (ChartNiceStep(span: span / ChartTimeLabel.millisecondsPerDay, count: count)?.size ?? 1)
                * ChartTimeLabel.millisecondsPerDay
        let first = (range.lowerBound / step).rounded(.up)
        let last = (range.upperBound / step).rounded(.down)
        guard first <= last, last - first < 1000, last.magnitude < 1e15 else { return fallback(range) }
        let values = stride(from: first, through: last, by: 1).map { $0 * step }
        return ChartTicks(domain: range, values: values,
                          labels: values.map { ChartTimeLabel.wallTick($0, step: step) })
    }

    /// Ticks at 1/2/5 multiples of seconds, minutes or hours, whichever suits the span.
    static func relativeTime(_ data: ClosedRange<Double>, count: Int) -> ChartTicks {
        let range = padded(data, minimumPad: 1000)
        let unit = ChartRelativeTimeUnit(forSpan: max(range.upperBound.magnitude, range.lowerBound.magnitude))
        let inUnits = linear((range.lowerBound / unit.milliseconds)...(range.upperBound / unit.milliseconds),
                             count: count, extendToNice: false)
        let values = inUnits.values.map { $0 * unit.milliseconds }
        let step = values.count > 1 ? values[1] - values[0] : unit.milliseconds
        return ChartTicks(
            domain: (inUnits.domain.lowerBound * unit.milliseconds)...(inUnits.domain.upperBound * unit.milliseconds),
            values: values,
            labels: values.map { ChartTimeLabel.relativeTick($0, step: step, unit: unit) })
    }

    /// A range with room around a single value, so a flat series still gets an axis; the room is
    /// never too small to see (around a subnormal) nor beyond the largest double.
    static func padded(_ range: ClosedRange<Double>, minimumPad: Double = 0) -> ClosedRange<Double> {
        guard range.lowerBound == range.upperBound else { return range }
        let value = range.lowerBound
        let pad = max(value == 0 ? 1 : max(value.magnitude * 0.1, ChartNiceStep.smallestStep * 10), minimumPad)
        return ChartMath.finite(value - pad)...ChartMath.finite(value + pad)
    }

    private static let wallSteps: [Double] = {
        let second = 1000.0, minute = 60_000.0, hour = 3_600_000.0, day = 86_400_000.0
        let seconds: [Double] = [1, 2, 5, 10, 15, 30].map { $0 * second }
        let minutes: [Double] = [1, 2, 5, 10, 15, 30].map { $0 * minute }
        let hours: [Double] = [1, 2, 3, 6, 12].map { $0 * hour }
        let days: [Double] = [1, 2, 7].map { $0 * day }
        return seconds + minutes + hours + days
    }()

    /// Two ticks at the ends, for ranges whose nice steps cannot be counted in an `Int`.
    private static func fallback(_ range: ClosedRange<Double>) -> ChartTicks {
        let values = [range.lowerBound, range.upperBound]
        return ChartTicks(domain: range, values: values, labels: values.map(ChartNumberLabel.value))
    }
}

/// A tick step of mantissa 1, 2 or 5 times a power of ten, kept apart so tick values are computed
/// as `k·m / 10ⁿ` and come out as the shortest doubles (0.3, not 0.30000000000000004).
struct ChartNiceStep: Sendable {
    var mantissa: Int
    var exponent: Int

    /// Steps are kept within 1e-300...1e300, where every power of ten they use is a normal double.
    static let smallestStep = 1e-300
    static let largestStep = 1e300

    init?(span: Double, count: Int) {
        guard span.isFinite, span > 0 else { return nil }
        let rough = span / Double(max(count, 1))
        guard rough >= Self.smallestStep, rough <= Self.largestStep,
              var exponent = ChartMath.whole(log10(rough), rounding: .down)
        else { return nil }
        let residual = rough / pow(10, Double(exponent))
        switch residual {
        case ...1.0000001: mantissa = 1
        case ...2.0000001: mantissa = 2
        case ...5.0000001: mantissa = 5
        default:
            mantissa = 1
            exponent += 1
        }
        self.exponent = exponent
    }

    var size: Double { scaled(Double(mantissa)) }

    func value(at index: Int) -> Double {
        scaled(Double(index) * Double(mantissa))
    }

    /// The index of the tick at or beyond `value` in the given direction, or nil when it would overflow.
    func index(_ value: Double, rounding: FloatingPointRoundingRule) -> Int? {
        let exact = value / size
        // Forgives float noise, so a value sitting on a tick does not round past it.
        let tolerance = max(exact.magnitude, 1) * 1e-9
        let position = (rounding == .down ? exact + tolerance : exact - tolerance).rounded(rounding)
        guard position.magnitude < 1e15 else { return nil }
        return ChartMath.whole(position, rounding: .towardZero)
    }

    private func scaled(_ multiple: Double) -> Double {
        exponent >= 0 ? multiple * pow(10, Double(exponent)) : multiple / pow(10, Double(-exponent))
    }
}
