import Foundation

/// Maps values in an axis domain to pixels, linearly or by log10.
struct ChartScale: Sendable {
    let domain: ClosedRange<Double>
    let isLogarithmic: Bool
    private let low: Double
    private let high: Double
    private let start: Double
    private let length: Double

    /// `pixels` may run backwards (bottom to top for a y axis).
    init(domain: ClosedRange<Double>, pixels: (start: Double, end: Double), logarithmic: Bool = false) {
        self.domain = domain
        isLogarithmic = logarithmic
        low = logarithmic ? log10(domain.lowerBound) : domain.lowerBound
        high = logarithmic ? log10(domain.upperBound) : domain.upperBound
        start = pixels.start
        length = pixels.end - pixels.start
    }

    /// The pixel of `value`, always finite: the value's fraction of the domain is taken directly
    /// (never through a pixels-per-unit factor, which overflows for a subnormal domain such as
    /// 0...5e-324) and without `high - low` overflowing; an empty domain maps everything to the start.
    func pixel(_ value: Double) -> Double {
        guard let fraction = ChartMath.fraction(of: isLogarithmic ? log10(value) : value, from: low, to: high) else { return start }
        return start + min(max(fraction, -1e6), 1e6) * length
    }
}
