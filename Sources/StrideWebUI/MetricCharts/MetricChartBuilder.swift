import StrideDomain
import StrideService

/// One rendered chart of one metric across runs.
struct MetricChartView: Sendable {
    var key: String
    var svg: String
    var seriesCount: Int
}

/// Draws one chart per metric key with a line per run, from histories the server samples down
/// to a few hundred points per run, so a million-point metric costs what a short one does.
struct MetricChartBuilder: Sendable {
    let tracking: TrackingService

    func charts(keys: [String], runs: [Run], settings: ChartSettings) async throws -> [MetricChartView] {
        let runIDs = runs.map(\.info.runID)
        let labels = Dictionary(runs.map { ($0.info.runID, $0.info.runName.isEmpty ? $0.info.runID : $0.info.runName) }, uniquingKeysWith: { a, _ in a })
        var charts: [MetricChartView] = []
        for key in keys {
            // One sampled read per metric covers every run on the chart. A chart needs no exact
            // MLflow sample, but this one costs a few index seeks per point (metric_step_counts) and
            // spaces the points evenly by position, which is what a line needs; a cheaper sample of
            // its own would gain nothing and would draw differently from MLflow's UI.
            let points = try await tracking.sampledMetricHistory(
                runIDs: runIDs, key: key, maxResults: settings.pointsPerSeries, startStep: nil, endStep: nil)
            let series = Self.series(points, runOrder: runIDs, labels: labels, xAxis: settings.chartXAxis)
            charts.append(MetricChartView(key: key, svg: LineChart.svg(series, options: settings.options(title: key)), seriesCount: series.count))
        }
        return charts
    }

    /// A line per run in the runs' order; NaN and infinite points cannot be drawn and are left out.
    static func series(_ points: [RunMetric], runOrder: [String], labels: [String: String], xAxis: ChartXAxis) -> [ChartSeries] {
        var byRun: [String: [ChartPoint]] = [:]
        for point in points where point.metric.value.isFinite {
            let x = xAxis == .step ? Double(point.metric.step) : Double(point.metric.timestamp)
            byRun[point.runID, default: []].append(ChartPoint(x: x, y: point.metric.value))
        }
        return runOrder.compactMap { runID in
            guard var line = byRun[runID], !line.isEmpty else { return nil }
            line.sort { $0.x < $1.x }
            return ChartSeries(label: labels[runID] ?? runID, points: line)
        }
    }
}
