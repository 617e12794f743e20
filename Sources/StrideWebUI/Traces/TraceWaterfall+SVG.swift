/// Draws the waterfall as SVG: span names indented by depth on the left, bars on a time axis on
/// the right, coloured by status; each row links to the span's details on the page.
///
/// Class names the stylesheet may target: `waterfall` the root, `wf-axis` the time axis with
/// `tick` labels, `wf-row` one group per span (with `wf-error`, `wf-ok` or `wf-unset`), holding
/// the `wf-name` label and the `wf-bar` rectangle (`wf-open` for a span that has not ended).
extension TraceWaterfall {
    static let width = 960
    static let rowHeight = 20
    static let axisHeight = 22
    static let labelWidth = 300.0
    static let indentPerLevel = 12.0
    /// Indentation stops growing here so deep trees keep their names readable.
    static let maxIndentLevels = 16

    func svg(_ spans: [SpanRecord], title: String) -> String {
        let height = Self.axisHeight + max(rows.count, 1) * Self.rowHeight + 4
        var writer = ChartSVGWriter(capacity: 256 + rows.count * 320)
        writer.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"waterfall\" viewBox=\"0 0 ")
        writer.integer(Self.width)
        writer.raw(" ")
        writer.integer(height)
        writer.raw("\" width=\"")
        writer.integer(Self.width)
        writer.raw("\" height=\"")
        writer.integer(height)
        writer.raw("\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\"")
        writer.attribute("fill", color: ChartPalette.ink)
        writer.raw("><title>")
        writer.text(title)
        writer.raw("</title>")
        axis(&writer, height: height)
        if rows.isEmpty {
            writer.raw("<text class=\"no-data\" x=\"8\"")
            writer.attribute("y", Double(Self.axisHeight + 14))
            writer.raw(">No spans</text>")
        }
        for (position, row) in rows.enumerated() {
            draw(row, spans[row.span], y: Double(Self.axisHeight + position * Self.rowHeight), into: &writer)
        }
        writer.raw("</svg>")
        return writer.string
    }

    private var barLeft: Double { Self.labelWidth + 8 }
    private var barWidth: Double { Double(Self.width) - barLeft - 8 }

    private func axis(_ writer: inout ChartSVGWriter, height: Int) {
        writer.raw("<g class=\"wf-axis\">")
        for step in 0...4 {
            let x = barLeft + barWidth * Double(step) / 4
            writer.raw("<line")
            writer.attribute("x1", x)
            writer.attribute("x2", x)
            writer.attribute("y1", Double(Self.axisHeight - 4))
            writer.attribute("y2", Double(height))
            writer.attribute("stroke", color: ChartPalette.gridLine)
            writer.raw("/><text class=\"tick\"")
            writer.attribute("x", x)
            writer.raw(" y=\"12\" text-anchor=\"")
            writer.raw(step == 0 ? "start" : step == 4 ? "end" : "middle")
            writer.raw("\">")
            writer.text(SpanTime.duration(nanos: durationNanos * Double(step) / 4))
            writer.raw("</text>")
        }
        writer.raw("</g>")
    }

    private func draw(_ row: Row, _ span: SpanRecord, y: Double, into writer: inout ChartSVGWriter) {
        let duration = span.durationNanos.map { SpanTime.duration(nanos: $0) } ?? "not ended"
        writer.raw("<a href=\"#span-")
        writer.integer(row.span)
        writer.raw("\"><g class=\"wf-row ")
        writer.raw(span.statusCode == 2 ? "wf-error" : span.statusCode == 1 ? "wf-ok" : "wf-unset")
        writer.raw("\"><title>")
        writer.text(span.name)
        writer.raw(" · ")
        writer.text(duration)
        if span.statusCode == 2 { writer.raw(" · ERROR") }
        writer.raw("</title><text class=\"wf-name\"")
        writer.attribute("x", 4 + Self.indentPerLevel * Double(min(row.depth, Self.maxIndentLevels)))
        writer.attribute("y", y + 14)
        writer.raw(">")
        let room = Int((Self.labelWidth - Self.indentPerLevel * Double(min(row.depth, Self.maxIndentLevels))) / 6.2)
        writer.text(ChartText.truncated(span.name.isEmpty ? "(unnamed)" : span.name, maxCharacters: max(room, 4)))
        writer.raw("</text><rect class=\"wf-bar")
        if row.isOpen { writer.raw(" wf-open") }
        writer.raw("\"")
        writer.attribute("x", barLeft + barWidth * row.start)
        writer.attribute("y", y + 4)
        // At least one pixel wide, so an instant span still shows where it happened.
        writer.attribute("width", max(1, barWidth * row.width))
        writer.raw(" height=\"12\" rx=\"2\"")
        writer.attribute("fill", color: span.statusCode == 2 ? SpanPalette.error : span.statusCode == 1 ? SpanPalette.ok : SpanPalette.unset)
        writer.raw("/></g></a>")
    }
}

/// The waterfall's bar colours by span status.
enum SpanPalette {
    static let ok = ChartColor(0x2F6FB3)
    static let error = ChartColor(0xC0392B)
    static let unset = ChartColor(0x8A94A6)
}
