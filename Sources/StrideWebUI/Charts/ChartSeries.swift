/// One sample of a metric: `x` is a step or a time in milliseconds, depending on the chart's x axis.
struct ChartPoint: Sendable {
    var x: Double
    var y: Double

    init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// One run's metric history, drawn as one line; `points` are sorted by `x`.
struct ChartSeries: Sendable {
    var label: String
    var points: [ChartPoint]

    init(label: String, points: [ChartPoint]) {
        self.label = label
        self.points = points
    }
}

/// What a line chart's x values mean.
enum ChartXAxis: Sendable {
    /// The metric's step.
    case step
    /// Epoch milliseconds, labelled as UTC clock times or dates.
    case wallTime
    /// Milliseconds since the series' first point. Each series is shifted so its first point is at 0,
    /// so callers may pass wall times here too.
    case relativeTime
}
