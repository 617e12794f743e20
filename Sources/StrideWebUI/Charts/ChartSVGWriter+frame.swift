/// The parts every chart shares: the root element, titles, axes and the "No data" state.
extension ChartSVGWriter {
    /// Writes the root element up to its attribute list; add `data-` attributes, then call `endChartStart`.
    mutating func beginChartStart(kind: StaticString, width: Int, height: Int) {
        raw("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart ")
        raw(kind)
        raw("\" viewBox=\"0 0 ")
        integer(width)
        raw(" ")
        integer(height)
        raw("\" width=\"")
        integer(width)
        raw("\" height=\"")
        integer(height)
        raw("\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\"")
        attribute("fill", color: ChartPalette.ink)
    }

    mutating func endChartStart(title: String) {
        raw("><title>")
        text(title)
        raw("</title>")
    }

    mutating func endChart() {
        raw("</svg>")
    }

    /// A complete empty chart: the frame and a centred "No data".
    mutating func noDataChart(kind: StaticString, title: String, width: Int, height: Int) {
        beginChartStart(kind: kind, width: width, height: height)
        endChartStart(title: title)
        heading(title)
        let area = ChartPlotArea(left: 8, top: 24, right: Double(width) - 8, bottom: Double(height) - 8)
        plotFrame(area)
        raw("<text class=\"no-data\"")
        attribute("x", area.left + area.width / 2)
        attribute("y", area.top + area.height / 2)
        raw(" text-anchor=\"middle\" dominant-baseline=\"middle\">No data</text>")
        endChart()
    }

    mutating func heading(_ title: String) {
        guard !title.isEmpty else { return }
        raw("<text class=\"chart-title\" x=\"8\" y=\"16\" font-size=\"13\" font-weight=\"600\">")
        text(ChartText.truncated(title, maxCharacters: 90))
        raw("</text>")
    }

    mutating func plotFrame(_ area: ChartPlotArea) {
        raw("<rect class=\"plot\"")
        attribute("x", area.left)
        attribute("y", area.top)
        attribute("width", area.width)
        attribute("height", area.height)
        raw(" fill=\"none\"")
        attribute("stroke", color: ChartPalette.gridLine)
        raw("/>")
    }

    /// Grid lines and labels for a horizontal axis along the bottom of `area`.
    mutating func bottomAxis(_ ticks: ChartTicks, scale: ChartScale, area: ChartPlotArea, label: String) {
        raw("<g class=\"axis x-axis\">")
        for (value, tickLabel) in zip(ticks.values, ticks.labels) {
            let x = scale.pixel(value)
            line(class: "grid", x1: x, y1: area.top, x2: x, y2: area.bottom, color: ChartPalette.gridLine)
            raw("<text class=\"tick\"")
            attribute("x", x)
            attribute("y", area.bottom + 14)
            raw(" text-anchor=\"middle\">")
            text(tickLabel)
            raw("</text>")
        }
        line(class: "axis-line", x1: area.left, y1: area.bottom, x2: area.right, y2: area.bottom, color: ChartPalette.ink)
        if !label.isEmpty {
            raw("<text class=\"axis-label\"")
            attribute("x", area.left + area.width / 2)
            attribute("y", area.bottom + 28)
            raw(" text-anchor=\"middle\">")
            text(ChartText.truncated(label, maxCharacters: 60))
            raw("</text>")
        }
        raw("</g>")
    }

    /// Grid lines and labels for a vertical axis along the left of `area`; `label` is drawn rotated.
    mutating func leftAxis(_ ticks: ChartTicks, scale: ChartScale, area: ChartPlotArea, label: String = "") {
        raw("<g class=\"axis y-axis\">")
        for (value, tickLabel) in zip(ticks.values, ticks.labels) {
            let y = scale.pixel(value)
            line(class: "grid", x1: area.left, y1: y, x2: area.right, y2: y, color: ChartPalette.gridLine)
            raw("<text class=\"tick\"")
            attribute("x", area.left - 4)
            attribute("y", y)
            raw(" text-anchor=\"end\" dominant-baseline=\"middle\">")
            text(tickLabel)
            raw("</text>")
        }
        line(class: "axis-line", x1: area.left, y1: area.top, x2: area.left, y2: area.bottom, color: ChartPalette.ink)
        if !label.isEmpty {
            let x = 12.0
            let y = area.top + area.height / 2
            raw("<text class=\"axis-label\"")
            attribute("x", x)
            attribute("y", y)
            raw(" text-anchor=\"middle\" transform=\"rotate(-90 ")
            coordinate(x)
            raw(" ")
            coordinate(y)
            raw(")\">")
            text(ChartText.truncated(label, maxCharacters: 40))
            raw("</text>")
        }
        raw("</g>")
    }

    mutating func line(class className: StaticString, x1: Double, y1: Double, x2: Double, y2: Double,
                       color: ChartColor) {
        raw("<line class=\"")
        raw(className)
        raw("\"")
        attribute("x1", x1)
        attribute("y1", y1)
        attribute("x2", x2)
        attribute("y2", y2)
        attribute("stroke", color: color)
        raw("/>")
    }

    /// A small filled circle, used for isolated points and scatter points; `hoverTitle` becomes its tooltip.
    mutating func marker(class className: StaticString, x: Double, y: Double, radius: Double,
                         color: ChartColor, hoverTitle: String) {
        raw("<circle class=\"")
        raw(className)
        raw("\"")
        attribute("cx", x)
        attribute("cy", y)
        attribute("r", radius)
        attribute("fill", color: color)
        raw("><title>")
        text(hoverTitle)
        raw("</title></circle>")
    }
}
