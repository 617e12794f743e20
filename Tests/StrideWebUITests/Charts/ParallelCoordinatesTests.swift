import Testing
@testable import StrideWebUI

@Suite("Parallel coordinates")
struct ParallelCoordinatesTests {
    private typealias Support = ChartTestSupport
    private let axes = [ParallelAxis(name: "lr"), ParallelAxis(name: "batch_size"), ParallelAxis(name: "val_loss")]

    @Test("one vertical axis per column, each with its own scale")
    func axisPerColumn() {
        let lines = [ParallelLine(label: "a", values: [0.001, 32, 0.5]), ParallelLine(label: "b", values: [0.01, 256, 0.2])]
        let svg = ParallelCoordinates.svg(axes: axes, lines: lines, width: 600, height: 300)
        #expect(Support.count("<g class=\"pc-axis\">", in: svg) == 3)
        #expect(svg.contains(">0.01</text>"))
        #expect(svg.contains(">300</text>"))
        #expect(svg.contains(">0.5</text>"))
        #expect(Support.pathData(svg, class: "pc-line").count == 2)
        #expect(Support.pathData(svg, class: "pc-line").allSatisfy { Support.count("L", in: $0) == 2 })
    }

    @Test("a missing value breaks the line and the lone value gets a marker")
    func missingValueBreaksTheLine() {
        let lines = [ParallelLine(label: "a", values: [0.001, nil, 0.5]), ParallelLine(label: "b", values: [0.01, 64, 0.2])]
        let svg = ParallelCoordinates.svg(axes: axes, lines: lines, width: 600, height: 300)
        let broken = Support.pathData(svg, class: "pc-line")[0]
        #expect(Support.count("M", in: broken) == 2)
        #expect(Support.count("L", in: broken) == 0)
        #expect(Support.count("<circle class=\"marker\"", in: svg) == 2)
        #expect(svg.contains("<title>a: lr 0.001, batch_size –, val_loss 0.5</title>"))
    }

    @Test("lines are coloured by the last axis from the low to the high end of the scale")
    func colouredByLastAxis() {
        let lines = [ParallelLine(label: "low", values: [1, 2, 0.1]), ParallelLine(label: "high", values: [2, 1, 0.9]),
                     ParallelLine(label: "unknown", values: [1, 1, nil])]
        let svg = ParallelCoordinates.svg(axes: axes, lines: lines, width: 600, height: 300)
        #expect(svg.contains("<path class=\"pc-line\" stroke=\"#2166AC\""))
        #expect(svg.contains("<path class=\"pc-line\" stroke=\"#E08214\""))
        #expect(svg.contains("<path class=\"pc-line\" stroke=\"#999999\""))
        #expect(svg.contains(">colour: val_loss</text>"))
        #expect(ParallelCoordinates.color(for: 0.5, in: 0...1) == ChartColor.blend(ChartPalette.scaleLow, ChartPalette.scaleHigh, fraction: 0.5))
    }

    @Test("no axes, no lines or no values show No data", arguments: [
        ([ParallelAxis](), [ParallelLine(label: "a", values: [1])]),
        ([ParallelAxis(name: "lr")], [ParallelLine]()),
        ([ParallelAxis(name: "lr")], [ParallelLine(label: "a", values: [nil]), ParallelLine(label: "b", values: [])]),
    ])
    func noData(axes: [ParallelAxis], lines: [ParallelLine]) {
        let svg = ParallelCoordinates.svg(axes: axes, lines: lines, width: 600, height: 300)
        #expect(svg.contains(">No data</text>"))
    }

    @Test("a column with one distinct value still gets a padded scale")
    func constantColumn() {
        let lines = [ParallelLine(label: "a", values: [1, 32, 0.5]), ParallelLine(label: "b", values: [2, 32, 0.2])]
        let svg = ParallelCoordinates.svg(axes: axes, lines: lines, width: 600, height: 300)
        #expect(svg.contains(">32</text>"))
    }
}
