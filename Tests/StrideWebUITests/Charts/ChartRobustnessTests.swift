import Testing
@testable import StrideWebUI

/// Charts render whatever a run logged; no value or size may crash the page.
@Suite("Chart robustness")
struct ChartRobustnessTests {
    private static let extremes: [Double] = [
        0, -0.0, 1e308, -1e308, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .nan, .infinity, -.infinity, 1e-300, 42,
    ]

    @Test("extreme values and sizes render a complete chart", arguments: [(640, 320), (0, 0), (-10, -10), (40, 30), (100_000, 20)])
    func extremeInputs(width: Int, height: Int) {
        let points = Self.extremes.enumerated().map { ChartPoint(x: Double($0.offset), y: $0.element) }
        let wild = Self.extremes.map { ChartPoint(x: $0, y: 1) }
        for axis in [ChartXAxis.step, .wallTime, .relativeTime] {
            for logScale in [false, true] {
                let options = LineChartOptions(title: "t", xAxis: axis, logScaleY: logScale, smoothing: 0.9, width: width, height: height)
                #expect(LineChart.svg([ChartSeries(label: "a", points: points), ChartSeries(label: "b", points: wild)], options: options).hasSuffix("</svg>"))
            }
        }
        let scatter = Self.extremes.map { ScatterPoint(label: "p", x: $0, y: -$0) }
        #expect(ScatterPlot.svg(scatter, xLabel: "x", yLabel: "y", width: width, height: height).hasSuffix("</svg>"))
        let lines = [ParallelLine(label: "l", values: Self.extremes.map { $0 }), ParallelLine(label: "m", values: [nil, 1])]
        let axes = Self.extremes.map { _ in ParallelAxis(name: "axis") }
        #expect(ParallelCoordinates.svg(axes: axes, lines: lines, width: width, height: height).hasSuffix("</svg>"))
    }

    @Test("out-of-range smoothing weights are tolerated", arguments: [-1.0, 1.0, 5.0, .nan, .infinity])
    func oddSmoothing(weight: Double) {
        let svg = LineChart.svg([ChartTestSupport.series("a", [1, 2, 3])], options: LineChartOptions(title: "t", smoothing: weight))
        #expect(svg.contains("<path"))
    }
}
