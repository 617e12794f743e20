import Foundation
import Testing
@testable import StrideWebUI

@Suite("Line chart")
struct LineChartTests {
    private typealias Support = ChartTestSupport

    @Test("the output is one complete SVG element with a title and role")
    func wellFormedRoot() {
        let svg = LineChart.svg([Support.series("run-a", [3, 2, 1])], options: LineChartOptions(title: "loss"))
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>"))
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("viewBox=\"0 0 640 320\""))
        #expect(svg.contains("<title>loss</title>"))
        #expect(Support.count("<svg", in: svg) == 1)
    }

    @Test("each series is one path with its own colour, its label in the legend and a hover title")
    func oneColouredPathPerSeries() {
        let svg = LineChart.svg([Support.series("run-a", [3, 2, 1]), Support.series("run-b", [1, 2, 4])],
                                options: LineChartOptions(title: "loss"))
        let paths = Support.pathData(svg, class: "line")
        #expect(paths.count == 2)
        #expect(paths.allSatisfy { $0.hasPrefix("M") && Support.count("L", in: $0) == 2 })
        #expect(svg.contains("stroke=\"#4477AA\"") && svg.contains("stroke=\"#EE6677\""))
        #expect(svg.contains("<title>run-a: last 1 at step 2</title>"))
        #expect(svg.contains("<title>run-b: last 4 at step 2</title>"))
        #expect(svg.contains(">run-a</text>") && svg.contains(">run-b</text>"))
    }

    @Test("the y axis has nice ticks that cover the data")
    func yTicksCoverTheData() {
        let svg = LineChart.svg([Support.series("run", [0.13, 0.87])], options: LineChartOptions(title: "acc"))
        #expect(Support.tickLabels(svg, axis: "y-axis") == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(Support.tickLabels(svg, axis: "x-axis").first == "0")
    }

    @Test("a NaN or infinite value splits the path into a new M segment")
    func nonFiniteValuesMakeGaps() {
        let svg = LineChart.svg([Support.series("run", [1, 2, .nan, 3, 4, .infinity, 5, 6])],
                                options: LineChartOptions(title: "loss"))
        let path = Support.pathData(svg, class: "line")[0]
        #expect(Support.count("M", in: path) == 3)
        #expect(Support.count("L", in: path) == 3)
    }

    @Test("log scale drops zero and negative values")
    func logScaleDropsNonPositiveValues() {
        let svg = LineChart.svg([Support.series("run", [10, 0, -5, 1, 0.1])],
                                options: LineChartOptions(title: "loss", logScaleY: true))
        let path = Support.pathData(svg, class: "line")[0]
        #expect(Support.count("M", in: path) == 2)
        #expect(Support.count("L", in: path) == 1)
        #expect(svg.contains("data-points=\"0,10 3,1 4,0.1\""))
        #expect(svg.contains("data-y-scale=\"log\""))
        #expect(Support.tickLabels(svg, axis: "y-axis") == ["0.1", "0.2", "0.5", "1", "2", "5", "10"])
    }

    @Test("smoothing draws the raw series faint and the smoothed series solid")
    func smoothingDrawsRawAndSmoothedPaths() {
        let svg = LineChart.svg([Support.series("run", [1, 2, 3])], options: LineChartOptions(title: "loss", smoothing: 0.5))
        #expect(Support.pathData(svg, class: "raw").count == 1)
        #expect(Support.pathData(svg, class: "smoothed").count == 1)
        #expect(Support.pathData(svg, class: "line").isEmpty)
        #expect(svg.contains("opacity=\"0.3\""))
        // 17/7 is the debiased EMA of 1, 2, 3 at weight 0.5.
        #expect(svg.contains("<title>run: last 3 (smoothed 2.42857) at step 2</title>"))
    }

    @Test("empty input, series without points and all-NaN series show No data", arguments: [
        [ChartSeries](),
        [ChartSeries(label: "run", points: [])],
        [ChartTestSupport.series("run", [.nan, .nan]), ChartTestSupport.series("other", [.infinity])],
    ])
    func noData(series: [ChartSeries]) {
        let svg = LineChart.svg(series, options: LineChartOptions(title: "loss"))
        #expect(svg.contains(">No data</text>"))
        #expect(svg.hasSuffix("</svg>"))
        #expect(!svg.contains("<path"))
    }

    @Test("log scale with only non-positive values shows No data")
    func logScaleWithoutPositiveValues() {
        let svg = LineChart.svg([Support.series("run", [0, -1])], options: LineChartOptions(title: "loss", logScaleY: true))
        #expect(svg.contains(">No data</text>"))
    }

    @Test("a single point is drawn as a visible marker with a padded axis")
    func singlePointMarker() {
        let svg = LineChart.svg([ChartSeries(label: "run", points: [ChartPoint(x: 5, y: 0.3)])],
                                options: LineChartOptions(title: "acc"))
        #expect(Support.count("<circle class=\"marker\"", in: svg) == 1)
        #expect(svg.contains("<title>run: 0.3 at step 5</title>"))
        let yTicks = Support.tickLabels(svg, axis: "y-axis")
        #expect(yTicks.count >= 2 && yTicks.first != yTicks.last)
    }

    @Test("an isolated point between gaps also gets a marker")
    func isolatedPointMarker() {
        let svg = LineChart.svg([Support.series("run", [1, 2, .nan, 3, .nan, 4, 5])], options: LineChartOptions(title: "loss"))
        #expect(Support.count("<circle class=\"marker\"", in: svg) == 1)
    }

    @Test("wall-time axes are labelled with UTC clock times")
    func wallTimeAxis() {
        let start = 1_795_784_400_000.0 // 2026-11-27 13:00 UTC
        let series = ChartSeries(label: "run", points: (0...60).map { ChartPoint(x: start + Double($0) * 60_000, y: Double($0)) })
        let svg = LineChart.svg([series], options: LineChartOptions(title: "loss", xAxis: .wallTime))
        #expect(Support.tickLabels(svg, axis: "x-axis") == ["13:00", "13:10", "13:20", "13:30", "13:40", "13:50", "14:00"])
        #expect(svg.contains(">time (UTC)</text>"))
        #expect(svg.contains("at 2026-11-27 14:00:00 UTC</title>"))
    }

    @Test("relative-time axes start each series at zero and are labelled in s, min or h")
    func relativeTimeAxis() {
        let early = ChartSeries(label: "a", points: (0...10).map { ChartPoint(x: 1000 + Double($0) * 60_000, y: 1) })
        let late = ChartSeries(label: "b", points: (0...5).map { ChartPoint(x: 9_000_000 + Double($0) * 60_000, y: 2) })
        let svg = LineChart.svg([early, late], options: LineChartOptions(title: "loss", xAxis: .relativeTime))
        #expect(Support.tickLabels(svg, axis: "x-axis") == ["0", "2min", "4min", "6min", "8min", "10min"])
        #expect(svg.contains("data-points=\"0,2 60000,2 120000,2 180000,2 240000,2 300000,2\""))
    }

    @Test("more than seven series reuse colours with a dash pattern")
    func manySeriesStayDistinct() {
        let series = (0..<9).map { Support.series("run-\($0)", [1, 2]) }
        let svg = LineChart.svg(series, options: LineChartOptions(title: "loss"))
        #expect(Support.count("stroke-dasharray=\"6 3\"", in: svg) == 4) // two paths and two legend lines
    }

    @Test("a legend too long for the chart ends in +N more")
    func legendOverflow() {
        let series = (0..<60).map { Support.series("a-rather-long-run-name-\($0)", [1, 2]) }
        let svg = LineChart.svg(series, options: LineChartOptions(title: "loss"))
        let shown = Support.count("<g class=\"legend-item\">", in: svg)
        #expect(shown > 0 && shown < 60)
        #expect(svg.contains(">+\(60 - shown) more</text>"))
        #expect(Support.pathData(svg, class: "line").count == 60)
    }

    @Test("hover data is capped per series and keeps the last point")
    func hoverPointsAreCapped() {
        let series = Support.series("run", (0..<10_000).map { Double($0) })
        let svg = LineChart.svg([series], options: LineChartOptions(title: "loss"))
        let start = svg.range(of: "data-points=\"")!.upperBound
        let points = svg[start...].prefix { $0 != "\"" }.split(separator: " ")
        #expect(points.count <= LineChart.hoverPointLimit)
        #expect(points.last == "9999,9999")
        #expect(svg.contains("data-plot=\"") && svg.contains("data-x-domain=\"0 10000\""))
    }

    @Test("output is deterministic")
    func deterministic() {
        let series = [Support.series("a", [1, 3, 2]), Support.series("b", [2, .nan, 1])]
        let options = LineChartOptions(title: "loss", smoothing: 0.6)
        #expect(LineChart.svg(series, options: options) == LineChart.svg(series, options: options))
    }
}
