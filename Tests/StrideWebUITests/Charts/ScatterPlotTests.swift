import Testing
@testable import StrideWebUI

@Suite("Scatter plot")
struct ScatterPlotTests {
    private typealias Support = ChartTestSupport

    @Test("one circle per point, each with its run label and values in a title")
    func oneCirclePerPoint() {
        let points = (0..<17).map { ScatterPoint(label: "run-\($0)", x: Double($0), y: Double($0 * $0)) }
        let svg = ScatterPlot.svg(points, xLabel: "lr", yLabel: "accuracy", width: 480, height: 320)
        #expect(Support.count("<circle class=\"point\"", in: svg) == points.count)
        #expect(svg.contains("<title>run-4: lr 4, accuracy 16</title>"))
        #expect(svg.contains("<title>accuracy vs lr</title>"))
    }

    @Test("both axes have nice ticks and their labels")
    func axes() {
        let points = [ScatterPoint(label: "a", x: 0.001, y: 10), ScatterPoint(label: "b", x: 0.009, y: 95)]
        let svg = ScatterPlot.svg(points, xLabel: "lr", yLabel: "epochs", width: 480, height: 320)
        #expect(Support.tickLabels(svg, axis: "x-axis").first == "0")
        #expect(Support.tickLabels(svg, axis: "x-axis").contains("0.002"))
        #expect(Support.tickLabels(svg, axis: "y-axis") == ["0", "20", "40", "60", "80", "100"])
        #expect(svg.contains(">lr</text>") && svg.contains(">epochs</text>"))
    }

    @Test("points without two finite values are left out; none at all shows No data")
    func missingValues() {
        let svg = ScatterPlot.svg([ScatterPoint(label: "a", x: .nan, y: 1), ScatterPoint(label: "b", x: 2, y: 3)],
                                  xLabel: "x", yLabel: "y", width: 300, height: 200)
        #expect(Support.count("<circle class=\"point\"", in: svg) == 1)
        let empty = ScatterPlot.svg([ScatterPoint(label: "a", x: .infinity, y: 1)], xLabel: "x", yLabel: "y", width: 300, height: 200)
        #expect(empty.contains(">No data</text>"))
    }
}
