import Foundation

/// Maps values in an axis domain to pixels, linearly or by log10.
struct ChartScale: Sendable {
    let domain: ClosedRange<Double>
    let isLogarithmic: Bool
    private let origin: Double
    private let pixelsPerUnit: Double
    private let start: Double

    /// `pixels` may run backwards (bottom to top for a y axis).
    init(domain: ClosedRange<Double>, pixels: (start: Double, end: Double), logarithmic: Bool = false) {
        self.domain = domain
        isLogarithmic = logarithmic
        let low = logarithmic ? log10(domain.lowerBound) : domain.lowerBound
        let high = logarithmic ? log10(domain.upperBound) : domain.upperBound
        origin = low
        start = pixels.start
        pixelsPerUnit = high > low ? (pixels.end - pixels.start) / (high - low) : 0
    }

    func pixel(_ value: Double) -> Double {
        start + ((isLogarithmic ? log10(value) : value) - origin) * pixelsPerUnit
    }
}
