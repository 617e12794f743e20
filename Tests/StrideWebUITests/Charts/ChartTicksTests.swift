import Foundation
import Testing
@testable import StrideWebUI

@Suite("Axis ticks")
struct ChartTicksTests {
    /// True when `step` is 1, 2 or 5 times a power of ten.
    private func isNice(_ step: Double) -> Bool {
        let mantissa = step / pow(10, log10(step).rounded(.down))
        return [1.0, 2.0, 5.0, 10.0].contains { abs(mantissa - $0) < 1e-9 }
    }

    @Test("linear ticks step by 1, 2 or 5 × 10ⁿ and cover the data", arguments: [
        (0.0, 1.0), (0.0013, 0.0187), (-3.2, 7.9), (12.0, 987.0), (1e-7, 9e-7), (0.0, 1_234_567.0), (99.5, 100.5),
    ])
    func linearTicksAreNiceAndCoverTheRange(low: Double, high: Double) {
        let ticks = ChartTicks.linear(low...high, count: 5)
        #expect(ticks.values.count >= 2 && ticks.values.count <= 12)
        let steps = zip(ticks.values.dropFirst(), ticks.values).map { $0 - $1 }
        for step in steps {
            #expect(isNice(step), "step \(step) in \(ticks.values)")
            #expect(abs(step - steps[0]) < steps[0] * 1e-9)
        }
        #expect(ticks.domain.lowerBound <= low && ticks.domain.upperBound >= high)
        #expect(ticks.values.first == ticks.domain.lowerBound && ticks.values.last == ticks.domain.upperBound)
    }

    @Test("tick values are the shortest decimals, not float noise")
    func tickValuesAreClean() {
        let ticks = ChartTicks.linear(0...0.7, count: 7)
        #expect(ticks.values == [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
        #expect(ticks.labels == ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"])
    }

    @Test("a flat range is padded so it still has an axis")
    func equalMinAndMaxArePadded() {
        let ticks = ChartTicks.linear(5...5, count: 5)
        #expect(ticks.domain.lowerBound < 5 && ticks.domain.upperBound > 5)
        #expect(ChartTicks.linear(0...0, count: 5).domain == -1...1)
    }

    @Test("log ticks sit on powers of ten across many decades")
    func logarithmicTicksArePowersOfTen() {
        let ticks = ChartTicks.logarithmic(0.0003...42, count: 6)
        #expect(ticks.values == [0.0001, 0.001, 0.01, 0.1, 1, 10, 100])
        #expect(ticks.labels == ["0.0001", "0.001", "0.01", "0.1", "1", "10", "100"])
    }

    @Test("log ticks that skip decades still cover the top of the data")
    func logarithmicTicksSkippingDecades() {
        let ticks = ChartTicks.logarithmic(1e-5...1e3, count: 3)
        #expect(ticks.values == [1e-5, 0.01, 10, 10_000])
        #expect(ticks.domain.upperBound >= 1e3)
    }

    @Test("log ticks add 2 and 5 multiples within a decade or two")
    func logarithmicTicksWithinFewDecades() {
        let ticks = ChartTicks.logarithmic(0.15...2.2, count: 6)
        #expect(ticks.domain == 0.1...5)
        #expect(ticks.values == [0.1, 0.2, 0.5, 1, 2, 5])
    }

    @Test("huge ranges fall back to end labels instead of overflowing")
    func extremeRangesDoNotTrap() {
        let ticks = ChartTicks.linear(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude, count: 5)
        #expect(ticks.values.count == 2)
        #expect(ChartTicks.linear(1e300...(1e300 * 1.0000001), count: 5).values.count >= 2)
    }
}
