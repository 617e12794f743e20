import Foundation
import Testing
@testable import StrideWebUI

/// Charts carry user text (run names, metric keys, param names) into pages served under a strict CSP.
@Suite("Chart output safety")
struct ChartSafetyTests {
    private static let hostile = "<script>alert(1)</script> \"quoted\" & 'single'"
    private static let escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &#39;single&#39;"

    /// Every kind of chart, with the hostile text in every place user text can go.
    private static var everyChart: [String] {
        let series = [ChartSeries(label: hostile, points: [ChartPoint(x: 0, y: 1), ChartPoint(x: 1, y: 2), ChartPoint(x: 3, y: .nan), ChartPoint(x: 4, y: 3)])]
        return [
            LineChart.svg(series, options: LineChartOptions(title: hostile)),
            LineChart.svg(series, options: LineChartOptions(title: hostile, xAxis: .wallTime, logScaleY: true, smoothing: 0.7)),
            LineChart.svg(series, options: LineChartOptions(title: hostile, xAxis: .relativeTime)),
            LineChart.svg([], options: LineChartOptions(title: hostile)),
            ScatterPlot.svg([ScatterPoint(label: hostile, x: 1, y: 2)], xLabel: hostile, yLabel: hostile, width: 400, height: 300),
            ScatterPlot.svg([], xLabel: hostile, yLabel: hostile, width: 400, height: 300),
            ParallelCoordinates.svg(axes: [ParallelAxis(name: hostile), ParallelAxis(name: "loss")],
                                    lines: [ParallelLine(label: hostile, values: [1, 2])], width: 500, height: 300),
            ParallelCoordinates.svg(axes: [ParallelAxis(name: hostile)], lines: [], width: 500, height: 300),
        ]
    }

    @Test("labels, titles and axis names are XML-escaped")
    func userTextIsEscaped() {
        for svg in Self.everyChart {
            #expect(!svg.contains("<script"))
            #expect(!svg.contains(Self.hostile))
            #expect(svg.contains(Self.escaped))
        }
    }

    @Test("no style attributes, style elements, scripts or event-handler attributes in any output")
    func noActiveOrStyledContent() throws {
        let handler = try Regex(#"\son[a-zA-Z]+\s*="#)
        for svg in Self.everyChart {
            #expect(!svg.contains("style="))
            #expect(!svg.contains("<style"))
            #expect(!svg.contains("<script"))
            #expect(!svg.contains("javascript:"))
            #expect(svg.firstMatch(of: handler) == nil)
        }
    }

    @Test("control characters that XML forbids are replaced")
    func controlCharactersAreReplaced() {
        let svg = LineChart.svg([], options: LineChartOptions(title: "a\u{0}b\u{1B}c"))
        #expect(svg.contains("<title>a b c</title>"))
    }

    @Test("every output is a single svg element")
    func singleRootElement() {
        for svg in Self.everyChart {
            #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(svg.hasSuffix("</svg>"))
            #expect(svg.contains("role=\"img\""))
        }
    }

    @Test("the hover script needs no eval, inline handlers or styles")
    func hoverScriptSuitsAStrictCSP() {
        let source = ChartHoverScript.source
        #expect(source.contains("addEventListener(\"mousemove\""))
        #expect(source.contains("textContent"))
        for forbidden in ["eval(", "new Function", "innerHTML", "setAttribute(\"on", ".style", "style=", "document.write"] {
            #expect(!source.contains(forbidden), "\(forbidden)")
        }
    }
}
