/// A series made ready to draw: the points the chart can show (others are NaN, which breaks the
/// line), shifted for relative time, and smoothed when asked.
struct LineChartTrace {
    var label: String
    var xs: [Double]
    var ys: [Double]
    var smoothed: [Double]?

    init(_ series: ChartSeries, options: LineChartOptions) {
        label = series.label
        let firstX = series.points.first { $0.x.isFinite }?.x ?? 0
        let shift = options.xAxis == .relativeTime ? firstX : 0
        xs = series.points.map { ChartMath.finite($0.x - shift) }
        ys = series.points.map { point in
            let drawable = point.x.isFinite && point.y.isFinite && (!options.logScaleY || point.y > 0)
            return drawable ? point.y : .nan
        }
        let weight = options.smoothing.isFinite ? min(options.smoothing, 0.999) : 0
        smoothed = weight > 0 ? ChartSmoothing.exponentialMovingAverage(ys, weight: weight) : nil
    }

    var lastDrawableIndex: Int? {
        ys.lastIndex { !$0.isNaN }
    }

    /// The x and y extent of the drawable points, or nil when there are none.
    var bounds: (x: ClosedRange<Double>, y: ClosedRange<Double>)? {
        var minX = Double.infinity, maxX = -Double.infinity
        var minY = Double.infinity, maxY = -Double.infinity
        for (x, y) in zip(xs, ys) where !y.isNaN {
            minX = min(minX, x)
            maxX = max(maxX, x)
            minY = min(minY, y)
            maxY = max(maxY, y)
        }
        return minX <= maxX ? (minX...maxX, minY...maxY) : nil
    }
}
