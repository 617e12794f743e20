/// A column of the parallel-coordinates plot: a param or metric of the compared runs.
struct ParallelAxis: Sendable {
    var name: String

    init(name: String) {
        self.name = name
    }
}

/// One run across the axes: one value per axis, nil where the run lacks that column.
struct ParallelLine: Sendable {
    var label: String
    var values: [Double?]

    init(label: String, values: [Double?]) {
        self.label = label
        self.values = values
    }
}

/// Runs drawn as lines across one vertical axis per column, each axis with its own scale. Lines are
/// coloured by their value on the last axis (usually the metric being optimised), low blue to high
/// orange; a missing value breaks the line there.
enum ParallelCoordinates {
    static func svg(axes: [ParallelAxis], lines: [ParallelLine], width: Int, height: Int) -> String {
        let title = "Parallel coordinates: " + axes.map(\.name).joined(separator: ", ")
        let columns = axes.indices.map { column in ParallelColumn(lines: lines, column: column) }
        var writer = ChartSVGWriter(capacity: 2048 + lines.count * axes.count * 16)
        guard columns.contains(where: { $0.dataRange != nil }) else {
            writer.noDataChart(kind: "chart-parallel", title: title, width: width, height: height)
            return writer.string
        }
        let area = ChartPlotArea(left: 56, top: 36, right: Double(width) - 40, bottom: Double(height) - 36)
        let spacing = axes.count > 1 ? area.width / Double(axes.count - 1) : 0
        let axisX = axes.indices.map { axes.count > 1 ? area.left + Double($0) * spacing : area.left + area.width / 2 }
        let tickCount = max(2, ChartMath.whole(area.height / 50, rounding: .towardZero) ?? 2)
        let ticks = columns.map { column in column.dataRange.map { ChartTicks.linear($0, count: tickCount) } }
        let scales = ticks.map { axisTicks in
            axisTicks.map { ChartScale(domain: $0.domain, pixels: (area.bottom, area.top)) }
        }
        let colouring = columns.last?.dataRange

        writer.beginChartStart(kind: "chart-parallel", width: width, height: height)
        writer.endChartStart(title: title)
        for (index, axis) in axes.enumerated() {
            let nameCharacters = axes.count > 1 ? max(4, ChartMath.whole(spacing / 6.2, rounding: .towardZero) ?? 4) : 60
            writer.parallelAxis(name: axis.name, shownName: ChartText.truncated(axis.name, maxCharacters: nameCharacters),
                                x: axisX[index], area: area, ticks: ticks[index], scale: scales[index])
        }
        writer.raw("<g class=\"pc-lines\" fill=\"none\" stroke-width=\"1.2\" opacity=\"0.75\">")
        for line in lines {
            let values = axes.indices.map(line.finiteValue(at:))
            var color = ChartPalette.missing
            if let colouring, let last = values.last, let value = last {
                color = Self.color(for: value, in: colouring)
            }
            writer.parallelLine(label: line.label, values: values, axes: axes, axisX: axisX, scales: scales, color: color)
        }
        writer.raw("</g>")
        if let colouring, let name = axes.last?.name {
            writer.parallelColourKey(name: name, range: colouring, left: area.left, y: Double(height) - 12)
        }
        writer.endChart()
        return writer.string
    }

    static func color(for value: Double, in range: ClosedRange<Double>) -> ChartColor {
        let fraction = ChartMath.fraction(of: value, from: range.lowerBound, to: range.upperBound) ?? 0.5
        return ChartColor.blend(ChartPalette.scaleLow, ChartPalette.scaleHigh, fraction: fraction)
    }
}

/// The finite values of one column across all lines.
private struct ParallelColumn {
    var dataRange: ClosedRange<Double>?

    init(lines: [ParallelLine], column: Int) {
        var low = Double.infinity, high = -Double.infinity
        for line in lines {
            guard let value = line.finiteValue(at: column) else { continue }
            low = min(low, value)
            high = max(high, value)
        }
        dataRange = low <= high ? low...high : nil
    }
}

extension ParallelLine {
    /// The value on the axis, or nil when it is missing, not finite, or beyond the values given.
    fileprivate func finiteValue(at column: Int) -> Double? {
        guard column < values.count, let value = values[column], value.isFinite else { return nil }
        return value
    }
}

extension ChartSVGWriter {
    fileprivate mutating func parallelAxis(name: String, shownName: String, x: Double, area: ChartPlotArea,
                                           ticks: ChartTicks?, scale: ChartScale?) {
        raw("<g class=\"pc-axis\">")
        line(class: "axis-line", x1: x, y1: area.top, x2: x, y2: area.bottom, color: ChartPalette.ink)
        if let ticks, let scale {
            for (value, label) in zip(ticks.values, ticks.labels) {
                let y = scale.pixel(value)
                line(class: "tick-mark", x1: x - 3, y1: y, x2: x, y2: y, color: ChartPalette.ink)
                raw("<text class=\"tick\"")
                attribute("x", x - 5)
                attribute("y", y)
                raw(" text-anchor=\"end\" dominant-baseline=\"middle\">")
                text(label)
                raw("</text>")
            }
        }
        raw("<text class=\"pc-axis-name\"")
        attribute("x", x)
        attribute("y", area.top - 14)
        raw(" text-anchor=\"middle\" font-weight=\"600\"><title>")
        text(name)
        raw("</title>")
        text(shownName)
        raw("</text></g>")
    }

    fileprivate mutating func parallelLine(label: String, values: [Double?], axes: [ParallelAxis], axisX: [Double],
                                           scales: [ChartScale?], color: ChartColor) {
        let hoverTitle = label + ": " + zip(axes, values).map { axis, value in
            "\(axis.name) \(value.map(ChartNumberLabel.value) ?? "–")"
        }.joined(separator: ", ")
        raw("<path class=\"pc-line\"")
        attribute("stroke", color: color)
        raw(" d=\"")
        let isolated = polylineData(count: values.count) { index in
            guard let value = values[index], let scale = scales[index] else { return nil }
            return (axisX[index], scale.pixel(value))
        }
        raw("\"><title>")
        text(hoverTitle)
        raw("</title></path>")
        for point in isolated {
            marker(class: "marker", x: point.x, y: point.y, radius: 2.5, color: color, hoverTitle: hoverTitle)
        }
    }

    /// A key under the plot: "colour: <last axis>" with swatches at its lowest and highest values.
    fileprivate mutating func parallelColourKey(name: String, range: ClosedRange<Double>, left: Double, y: Double) {
        raw("<g class=\"pc-scale\"><text")
        attribute("x", left)
        attribute("y", y)
        raw(" dominant-baseline=\"middle\">colour: ")
        text(ChartText.truncated(name, maxCharacters: 40))
        raw("</text>")
        var x = left + 60 + ChartText.approximateWidth(ChartText.truncated(name, maxCharacters: 40))
        for (value, color) in [(range.lowerBound, ChartPalette.scaleLow), (range.upperBound, ChartPalette.scaleHigh)] {
            raw("<rect")
            attribute("x", x)
            attribute("y", y - 5)
            raw(" width=\"10\" height=\"10\"")
            attribute("fill", color: color)
            raw("/><text")
            attribute("x", x + 14)
            attribute("y", y)
            raw(" dominant-baseline=\"middle\">")
            text(ChartNumberLabel.value(value))
            raw("</text>")
            x += 80
        }
        raw("</g>")
    }
}
