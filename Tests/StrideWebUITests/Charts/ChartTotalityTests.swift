import Testing
@testable import StrideWebUI

/// The scale and tick math is total: any two logged values, on any axis, give a drawable chart.
@Suite("Chart math is total")
struct ChartTotalityTests {
    private static let values: [Double] = [
        0, -0.0, Double.leastNonzeroMagnitude, -Double.leastNonzeroMagnitude, 2.2250738585072014e-308, 1e-300, 1e-9, 0.1, 1, 42, 1e15, 1e17, 1e300,
        1.7976931348623157e308, -1.7976931348623157e308, -1e300, -1, .nan, .infinity, -.infinity,
    ]

    @Test("every pair of extreme values draws a line chart on every axis, linear and log, raw and smoothed")
    func lineChartPairs() {
        for first in Self.values {
            for second in Self.values {
                let points = [ChartPoint(x: 0, y: first), ChartPoint(x: 1, y: second)]
                let wildX = [ChartPoint(x: first, y: 1), ChartPoint(x: second, y: 2)]
                for axis in [ChartXAxis.step, .wallTime, .relativeTime] {
                    for logScale in [false, true] {
                        for smoothing in [0, 0.6] {
                            let options = LineChartOptions(title: "m", xAxis: axis, logScaleY: logScale, smoothing: smoothing)
                            let svg = LineChart.svg(
                                [ChartSeries(label: "a", points: points), ChartSeries(label: "b", points: wildX)], options: options)
                            #expect(svg.hasSuffix("</svg>"), "values \(first), \(second) on \(axis), log \(logScale)")
                            #expect(!Self.hasNonFiniteNumber(svg), "values \(first), \(second) on \(axis), log \(logScale)")
                        }
                    }
                }
            }
        }
    }

    /// Whether a coordinate or data attribute holds Swift's spelling of a non-finite double.
    private static func hasNonFiniteNumber(_ svg: String) -> Bool {
        ["\"nan", " nan", ",nan", "nan\"", "\"inf", " inf", ",inf", "-inf"].contains { svg.contains($0) }
    }

    @Test("every pair of extreme values draws a scatter plot and parallel coordinates")
    func scatterAndParallelPairs() {
        for first in Self.values {
            for second in Self.values {
                let scatter = ScatterPlot.svg(
                    [ScatterPoint(label: "a", x: first, y: second), ScatterPoint(label: "b", x: second, y: first)],
                    xLabel: "x", yLabel: "y", width: 480, height: 320)
                #expect(scatter.hasSuffix("</svg>"), "values \(first), \(second)")
                let parallel = ParallelCoordinates.svg(
                    axes: [ParallelAxis(name: "p"), ParallelAxis(name: "m")],
                    lines: [ParallelLine(label: "a", values: [first, second]), ParallelLine(label: "b", values: [second, first])],
                    width: 640, height: 320)
                #expect(parallel.hasSuffix("</svg>"), "values \(first), \(second)")
            }
        }
    }

    @Test("a zero and the smallest double get distinct, finite ticks")
    func zeroAndSmallestDouble() {
        let ticks = ChartTicks.linear(0...Double.leastNonzeroMagnitude, count: 5)
        #expect(ticks.values.count >= 2)
        #expect(ticks.values.allSatisfy { $0.isFinite })
        #expect(ticks.domain.lowerBound <= 0 && ticks.domain.upperBound >= Double.leastNonzeroMagnitude)
        #expect(ticks.domain.upperBound > ticks.domain.lowerBound)
    }

    @Test("a range whose width overflows a double still gets finite ticks that cover it")
    func fullDoubleRange() {
        let ticks = ChartTicks.linear(-1.7976931348623157e308...1.7976931348623157e308, count: 5)
        #expect(ticks.values.count >= 2)
        #expect(ticks.values.allSatisfy { $0.isFinite })
        #expect(ticks.domain.lowerBound == -1.7976931348623157e308 && ticks.domain.upperBound == 1.7976931348623157e308)
        let scale = ChartScale(domain: ticks.domain, pixels: (0, 100))
        #expect(scale.pixel(ticks.domain.lowerBound) == 0)
        #expect(scale.pixel(ticks.domain.upperBound) == 100)
        #expect(scale.pixel(0) == 50)
    }

    @Test("a single value and all-equal values get a padded axis")
    func flatSeries() {
        for value in [0, Double.leastNonzeroMagnitude, 1.7976931348623157e308, -1.7976931348623157e308, 1] as [Double] {
            let ticks = ChartTicks.linear(value...value, count: 5)
            #expect(ticks.domain.lowerBound < ticks.domain.upperBound, "value \(value)")
            #expect(ticks.values.allSatisfy { $0.isFinite })
        }
    }

    @Test("smoothing huge values stays finite")
    func smoothingHugeValues() {
        let smoothed = ChartSmoothing.exponentialMovingAverage([1.7976931348623157e308, 1.7976931348623157e308, -1.7976931348623157e308], weight: 0.5)
        #expect(smoothed.allSatisfy { $0.isFinite })
    }
}
