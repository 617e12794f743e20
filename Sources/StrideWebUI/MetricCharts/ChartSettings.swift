import StrideDomain

/// How metric charts are drawn, read from the URL: `x=step|wall|relative`, `smooth=0.6`,
/// `log=1`, `points=300`.
struct ChartSettings: Sendable {
    var xAxis: String
    var smoothing: Double
    var logScale: Bool
    var pointsPerSeries: Int

    static let xAxes = [("step", "Step"), ("wall", "Wall time"), ("relative", "Relative time")]
    static let smoothingChoices = [0, 0.3, 0.6, 0.8, 0.9, 0.95, 0.99]
    static let pointChoices = [100, 300, 1000]
    static let defaultPoints = 300

    init(fields: FormFields) {
        xAxis = fields["x"].flatMap { value in Self.xAxes.contains { $0.0 == value } ? value : nil } ?? "step"
        smoothing = fields["smooth"].flatMap(Double.init).flatMap { $0.isFinite ? $0 : nil }.map { min(max($0, 0), 0.99) } ?? 0
        logScale = fields["log"] == "1"
        pointsPerSeries = fields["points"].flatMap(Int.init).map { min(max($0, 10), Limits.maxResultsPerRunBulkHistory) } ?? Self.defaultPoints
    }

    var chartXAxis: ChartXAxis {
        switch xAxis {
        case "wall": .wallTime
        case "relative": .relativeTime
        default: .step
        }
    }

    func options(title: String) -> LineChartOptions {
        LineChartOptions(title: title, xAxis: chartXAxis, logScaleY: logScale, smoothing: smoothing)
    }

    /// Adds the non-default settings to a link.
    func applied(to link: PageLink) -> PageLink {
        link.with("x", xAxis == "step" ? nil : xAxis)
            .with("smooth", smoothing == 0 ? nil : Formatting.number(smoothing))
            .with("log", logScale ? "1" : nil)
            .with("points", pointsPerSeries == Self.defaultPoints ? nil : String(pointsPerSeries))
    }

    var xAxisChoices: [Choice] { Self.xAxes.map { Choice(value: $0.0, label: $0.1, selected: $0.0 == xAxis) } }
    var smoothingChoices: [Choice] {
        Self.smoothingChoices.map { Choice(value: Formatting.number($0), label: $0 == 0 ? "No smoothing" : "EMA \(Formatting.number($0))", selected: $0 == smoothing) }
    }
    var pointChoices: [Choice] {
        Self.pointChoices.map { Choice(value: String($0), label: "\($0) points", selected: $0 == pointsPerSeries) }
    }
}
