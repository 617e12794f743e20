/// One run in a scatter plot: its values of the two compared columns.
struct ScatterPoint: Sendable {
    var label: String
    var x: Double
    var y: Double

    init(label: String, x: Double, y: Double) {
        self.label = label
        self.x = x
        self.y = y
    }
}

/// Two columns of the compared runs plotted against each other, one circle per run.
enum ScatterPlot {
    static func svg(_ points: [ScatterPoint], xLabel: String, yLabel: String, width: Int, height: Int) -> String {
        let title = "\(yLabel) vs \(xLabel)"
        let drawable = points.filter { $0.x.isFinite && $0.y.isFinite }
        var writer = ChartSVGWriter(capacity: 2048 + drawable.count * 120)
        guard let first = drawable.first else {
            writer.noDataChart(kind: "chart-scatter", title: title, width: width, height: height)
            return writer.string
        }
        var dataX = first.x...first.x, dataY = first.y...first.y
        for point in drawable.dropFirst() {
            dataX = min(dataX.lowerBound, point.x)...max(dataX.upperBound, point.x)
            dataY = min(dataY.lowerBound, point.y)...max(dataY.upperBound, point.y)
        }
        let area = ChartPlotArea(left: 60, top: 12, right: Double(width) - 20, bottom: Double(height) - 40)
        let xTicks = ChartTicks.linear(dataX, count: max(2, ChartMath.whole(area.width / 90, rounding: .towardZero) ?? 2))
        let yTicks = ChartTicks.linear(dataY, count: max(2, ChartMath.whole(area.height / 45, rounding: .towardZero) ?? 2))
        let xScale = ChartScale(domain: xTicks.domain, pixels: (area.left, area.right))
        let yScale = ChartScale(domain: yTicks.domain, pixels: (area.bottom, area.top))

        writer.beginChartStart(kind: "chart-scatter", width: width, height: height)
        writer.endChartStart(title: title)
        writer.plotFrame(area)
        writer.leftAxis(yTicks, scale: yScale, area: area, label: yLabel)
        writer.bottomAxis(xTicks, scale: xScale, area: area, label: xLabel)
        writer.raw("<g class=\"points\" fill-opacity=\"0.75\">")
        let color = ChartPalette.color(forSeries: 0)
        for point in drawable {
            let hoverTitle = "\(point.label): \(xLabel) \(ChartNumberLabel.value(point.x)), \(yLabel) \(ChartNumberLabel.value(point.y))"
            writer.marker(class: "point", x: xScale.pixel(point.x), y: yScale.pixel(point.y), radius: 4,
                          color: color, hoverTitle: hoverTitle)
        }
        writer.raw("</g>")
        writer.endChart()
        return writer.string
    }
}
