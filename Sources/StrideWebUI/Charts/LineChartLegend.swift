/// Legend entries laid out in rows under the plot; entries that do not fit in `maxRows` are
/// summarised as "+N more" so a chart of many runs keeps its plot area.
struct LineChartLegend {
    struct Entry {
        var seriesIndex: Int
        var label: String
        var x: Double
        var row: Int
    }

    static let rowHeight = 16.0
    static let maxLabelCharacters = 28

    var entries: [Entry] = []
    var hiddenCount = 0
    var rows = 0
    var moreX = 0.0

    var height: Double { Double(rows) * Self.rowHeight }

    init(labels: [String], left: Double, right: Double, maxRows: Int) {
        var x = left
        var row = 0
        for (index, label) in labels.enumerated() {
            let shown = ChartText.truncated(label, maxCharacters: Self.maxLabelCharacters)
            let entryWidth = 26 + ChartText.approximateWidth(shown) + 12
            if x + entryWidth > right, x > left {
                row += 1
                x = left
            }
            // The last row keeps room for the "+N more" note.
            if row >= maxRows || (row == maxRows - 1 && index < labels.count - 1 && x + entryWidth > right - 60) {
                hiddenCount = labels.count - index
                break
            }
            entries.append(Entry(seriesIndex: index, label: shown, x: x, row: row))
            x += entryWidth
        }
        moreX = hiddenCount > 0 ? (entries.last.map { _ in x } ?? left) : x
        rows = labels.isEmpty ? 0 : min(row + 1, maxRows)
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
