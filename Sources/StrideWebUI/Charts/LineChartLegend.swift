/// Legend entries laid out in rows under the plot; entries that do not fit in `maxRows` are
/// summarised as "+N more" so a chart of many runs keeps its plot area.
struct LineChartLegend {
    struct Entry {
        var seriesIndex: Int
        var label: String
        var x: Double
        var width: Double
        var row: Int
    }

    static let rowHeight = 16.0
    static let maxLabelCharacters = 28
    private static let moreWidth = 64.0

    private(set) var entries: [Entry] = []
    private(set) var hiddenCount = 0
    private(set) var rows = 0
    private(set) var moreX = 0.0

    var height: Double { Double(rows) * Self.rowHeight }

    init(labels: [String], left: Double, right: Double, maxRows: Int) {
        var x = left
        var row = 0
        for (index, label) in labels.enumerated() {
            let shown = ChartText.truncated(label, maxCharacters: Self.maxLabelCharacters)
            let width = 26 + ChartText.approximateWidth(shown) + 12
            if x + width > right, x > left {
                row += 1
                x = left
            }
            entries.append(Entry(seriesIndex: index, label: shown, x: x, width: width, row: row))
            x += width
        }
        guard let lastRow = entries.last?.row else { return }
        guard lastRow >= maxRows else {
            rows = lastRow + 1
            return
        }
        rows = maxRows
        entries.removeAll { $0.row >= maxRows }
        while let last = entries.last, last.row == maxRows - 1, last.x + last.width + Self.moreWidth > right {
            entries.removeLast()
        }
        hiddenCount = labels.count - entries.count
        moreX = entries.last.map { $0.row == maxRows - 1 ? $0.x + $0.width : left } ?? left
    }
}

extension ChartSVGWriter {
    mutating func legend(_ legend: LineChartLegend, top: Double) {
        guard legend.rows > 0 else { return }
        raw("<g class=\"legend\">")
        for entry in legend.entries {
            let y = top + Double(entry.row) * LineChartLegend.rowHeight + 8
            let color = ChartPalette.color(forSeries: entry.seriesIndex)
            raw("<g class=\"legend-item\">")
            raw("<line")
            attribute("x1", entry.x)
            attribute("y1", y)
            attribute("x2", entry.x + 20)
            attribute("y2", y)
            attribute("stroke", color: color)
            raw(" stroke-width=\"2\"")
            if let dash = ChartPalette.dashPattern(forSeries: entry.seriesIndex) {
                attribute("stroke-dasharray", dash)
            }
            raw("/><text")
            attribute("x", entry.x + 26)
            attribute("y", y)
            raw(" dominant-baseline=\"middle\">")
            text(entry.label)
            raw("</text></g>")
        }
        if legend.hiddenCount > 0 {
            raw("<text class=\"legend-more\"")
            attribute("x", legend.moreX)
            attribute("y", top + Double(legend.rows - 1) * LineChartLegend.rowHeight + 8)
            raw(" dominant-baseline=\"middle\">+")
            integer(legend.hiddenCount)
            raw(" more</text>")
        }
        raw("</g>")
    }
}
