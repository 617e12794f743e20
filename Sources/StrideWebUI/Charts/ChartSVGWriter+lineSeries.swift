/// One line-chart series: a group with its hover data, the path (raw and smoothed when smoothing)
/// and markers for points that have no neighbour to connect to.
extension ChartSVGWriter {
    mutating func series(_ trace: LineChartTrace, index: Int, xAxis: ChartXAxis, xScale: ChartScale, yScale: ChartScale) {
        guard let lastIndex = trace.lastDrawableIndex else { return }
        let color = ChartPalette.color(forSeries: index)
        let hoverTitle = Self.seriesTitle(trace, lastIndex: lastIndex, xAxis: xAxis)

        raw("<g class=\"series\"")
        attribute("data-label", text: trace.label)
        attribute("data-color", color: color)
        raw(" data-points=\"")
        hoverPoints(trace)
        raw("\">")

        let isolated: [IsolatedPoint]
        if let smoothed = trace.smoothed {
            startSeriesPath(class: "raw", color: color, index: index, strokeWidth: "1")
            raw(" opacity=\"0.3\"")
            _ = pathData(xs: trace.xs, ys: trace.ys, xScale: xScale, yScale: yScale)
            raw("/>")
            startSeriesPath(class: "smoothed", color: color, index: index, strokeWidth: "1.5")
            isolated = pathData(xs: trace.xs, ys: smoothed, xScale: xScale, yScale: yScale)
        } else {
            startSeriesPath(class: "line", color: color, index: index, strokeWidth: "1.5")
            isolated = pathData(xs: trace.xs, ys: trace.ys, xScale: xScale, yScale: yScale)
        }
        raw("><title>")
        text(hoverTitle)
        raw("</title></path>")
        for point in isolated {
            marker(class: "marker", x: point.x, y: point.y, radius: 3, color: color,
                   hoverTitle: "\(trace.label): \(ChartNumberLabel.value(trace.ys[point.index])) at \(xAxis.valueDescription(trace.xs[point.index]))")
        }
        raw("</g>")
    }

    /// Writes ` d="…"` for the values, NaN breaking the line.
    private mutating func pathData(xs: [Double], ys: [Double], xScale: ChartScale, yScale: ChartScale) -> [IsolatedPoint] {
        raw(" d=\"")
        let isolated = polylineData(count: ys.count) { ys[$0].isNaN ? nil : (xScale.pixel(xs[$0]), yScale.pixel(ys[$0])) }
        raw("\"")
        return isolated
    }

    private mutating func startSeriesPath(class className: StaticString, color: ChartColor, index: Int, strokeWidth: StaticString) {
        raw("<path class=\"")
        raw(className)
        raw("\" fill=\"none\"")
        attribute("stroke", color: color)
        attribute("stroke-width", strokeWidth)
        raw(" stroke-linejoin=\"round\"")
        if let dash = ChartPalette.dashPattern(forSeries: index) {
            attribute("stroke-dasharray", dash)
        }
    }

    /// Raw values as "x,y x,y", evenly thinned to the hover limit, always keeping the last point.
    private mutating func hoverPoints(_ trace: LineChartTrace) {
        let drawable = trace.ys.indices.filter { !trace.ys[$0].isNaN }
        let stride = max(1, (drawable.count + LineChart.hoverPointLimit - 1) / LineChart.hoverPointLimit)
        var chosen = Swift.stride(from: 0, to: drawable.count, by: stride).map { drawable[$0] }
        if let last = drawable.last, chosen.last != last {
            if chosen.count >= LineChart.hoverPointLimit { chosen.removeLast() }
            chosen.append(last)
        }
        for (position, index) in chosen.enumerated() {
            if position > 0 { raw(" ") }
            significant(trace.xs[index], digits: 15)
            raw(",")
            significant(trace.ys[index], digits: 6)
        }
    }

    private static func seriesTitle(_ trace: LineChartTrace, lastIndex: Int, xAxis: ChartXAxis) -> String {
        var title = "\(trace.label): last \(ChartNumberLabel.value(trace.ys[lastIndex]))"
        if let smoothed = trace.smoothed {
            title += " (smoothed \(ChartNumberLabel.value(smoothed[lastIndex])))"
        }
        return title + " at \(xAxis.valueDescription(trace.xs[lastIndex]))"
    }
}
