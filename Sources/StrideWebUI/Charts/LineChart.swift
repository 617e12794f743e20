/// Metric histories of several runs as one SVG line chart, readable without JavaScript.
///
/// Hover support: the root carries `data-plot` (left top right bottom of the plot area),
/// `data-x-domain`, `data-y-domain`, `data-y-scale` and `data-x-axis`; each `g.series` carries
/// `data-label` and `data-points` ("x,y x,y …", raw values, at most `hoverPointLimit` per series)
/// for chart-hover.js.
enum LineChart {
    static let hoverPointLimit = 200

    static func svg(_ series: [ChartSeries], options: LineChartOptions) -> String {
        let traces = series.map { LineChartTrace($0, options: options) }
        guard let (dataX, dataY) = extent(of: traces) else {
            var writer = ChartSVGWriter()
            writer.noDataChart(kind: "chart-line", title: options.title, width: options.width, height: options.height)
            return writer.string
        }
        let width = Double(options.width), height = Double(options.height)
        let legend = LineChartLegend(labels: traces.map(\.label), left: 56, right: width - 8,
                                     maxRows: max(1, ChartMath.whole(height * 0.25 / LineChartLegend.rowHeight, rounding: .towardZero) ?? 1))
        let area = ChartPlotArea(left: 56, top: 26, right: width - 20, bottom: height - 34 - legend.height)

        let xTicks = xTicks(dataX, axis: options.xAxis, count: max(2, ChartMath.whole(area.width / 90, rounding: .towardZero) ?? 2))
        let yCount = max(2, ChartMath.whole(area.height / 45, rounding: .towardZero) ?? 2)
        let yTicks = options.logScaleY
            ? ChartTicks.logarithmic(dataY, count: yCount) : ChartTicks.linear(dataY, count: yCount)
        let xScale = ChartScale(domain: xTicks.domain, pixels: (area.left, area.right))
        let yScale = ChartScale(domain: yTicks.domain, pixels: (area.bottom, area.top), logarithmic: options.logScaleY)

        var writer = ChartSVGWriter(capacity: 4096 + traces.reduce(0) { $0 + $1.xs.count * 24 })
        writer.beginChartStart(kind: "chart-line", width: options.width, height: options.height)
        writer.hoverAttributes(area: area, xAxis: options.xAxis, xScale: xScale, yScale: yScale)
        writer.endChartStart(title: options.title)
        writer.heading(options.title)
        writer.plotFrame(area)
        writer.leftAxis(yTicks, scale: yScale, area: area)
        writer.bottomAxis(xTicks, scale: xScale, area: area, label: options.xAxis.axisLabel)
        for (index, trace) in traces.enumerated() {
            writer.series(trace, index: index, xAxis: options.xAxis, xScale: xScale, yScale: yScale)
        }
        writer.legend(legend, top: area.bottom + 34)
        writer.endChart()
        return writer.string
    }

    /// The x and y ranges covering every drawable point, or nil when there is none.
    private static func extent(of traces: [LineChartTrace]) -> (x: ClosedRange<Double>, y: ClosedRange<Double>)? {
        let bounds = traces.compactMap(\.bounds)
        guard let first = bounds.first else { return nil }
        return bounds.dropFirst().reduce(first) { union, next in
            (min(union.x.lowerBound, next.x.lowerBound)...max(union.x.upperBound, next.x.upperBound),
             min(union.y.lowerBound, next.y.lowerBound)...max(union.y.upperBound, next.y.upperBound))
        }
    }

    private static func xTicks(_ data: ClosedRange<Double>, axis: ChartXAxis, count: Int) -> ChartTicks {
        switch axis {
        // Steps are whole numbers: a lone step gets neighbours, not fractions.
        case .step: ChartTicks.linear(ChartTicks.padded(data, minimumPad: 1), count: count)
        case .wallTime: ChartTicks.wallTime(data, count: count)
        case .relativeTime: ChartTicks.relativeTime(data, count: count)
        }
    }
}

extension ChartSVGWriter {
    /// The `data-` attributes chart-hover.js maps the pointer with.
    fileprivate mutating func hoverAttributes(area: ChartPlotArea, xAxis: ChartXAxis, xScale: ChartScale, yScale: ChartScale) {
        attribute("data-x-axis", xAxis.dataName)
        beginAttribute("data-plot")
        for (index, edge) in [area.left, area.top, area.right, area.bottom].enumerated() {
            if index > 0 { raw(" ") }
            coordinate(edge)
        }
        endAttribute()
        for (name, domain) in [("data-x-domain", xScale.domain), ("data-y-domain", yScale.domain)] as [(StaticString, ClosedRange<Double>)] {
            beginAttribute(name)
            significant(domain.lowerBound, digits: 15)
            raw(" ")
            significant(domain.upperBound, digits: 15)
            endAttribute()
        }
        attribute("data-y-scale", yScale.isLogarithmic ? "log" : "linear")
    }
}

extension ChartXAxis {
    var dataName: StaticString {
        switch self {
        case .step: "step"
        case .wallTime: "wall-time"
        case .relativeTime: "relative-time"
        }
    }

    var axisLabel: String {
        switch self {
        case .step: "step"
        case .wallTime: "time (UTC)"
        case .relativeTime: "relative time"
        }
    }

    /// An x value as a hover title shows it: "step 120", "2026-11-27 13:05:00 UTC", "1.5min".
    func valueDescription(_ x: Double) -> String {
        switch self {
        case .step: "step " + ChartNumberLabel.value(x)
        case .wallTime: ChartTimeLabel.wallValue(x)
        case .relativeTime: ChartTimeLabel.relativeValue(x)
        }
    }
}
