import Hummingbird
import StrideDomain
import StrideService
import StrideStore

/// `/compare?run=…`: runs from any experiments side by side, with overlaid metric charts, a
/// parallel-coordinates plot and a scatter plot of any two numeric columns.
extension WebUI {
    struct CompareView {
        var runs: [CompareRunHeader]
        var hiddenRuns: [HiddenField]
        var sections: [CompareSectionView]
        var differencesOnly: Bool
        var showChoices: [Choice]
        var xAxes: [Choice]
        var smoothing: [Choice]
        var logScale: Bool
        var points: [Choice]
        var scatterX: [Choice]
        var scatterY: [Choice]
        var scatterSVG: String?
        var parallelSVG: String?
        var charts: [MetricChartView]
        var hasRuns: Bool
    }

    struct CompareRunHeader {
        var name: String
        var href: String
        var experiment: String
        var experimentHref: String
        var status: String
    }

    struct CompareSectionView {
        var title: String
        var rows: [CompareRowView]
        var isEmpty: Bool
    }

    struct CompareRowView {
        var label: String
        var values: [String]
        var differs: Bool
    }

    /// Overlaid charts shown at most, and parallel-coordinate axes drawn at most.
    static let maxCompareCharts = 12
    static let maxParallelAxes = 12

    func comparePage(_ request: Request) async throws -> Response {
        let fields = FormFields(urlEncoded: request.uri.query)
        let runs = try await browse.runs(ids: Array(fields.distinct("run").prefix(Limits.maxRunsPerBulkHistory)))
        let differencesOnly = fields["show"] != "all"
        let settings = ChartSettings(fields: fields)
        let experimentNames = try await experimentNames(Set(runs.map(\.info.experimentID)))
        let table = CompareTable(runs: runs, differencesOnly: differencesOnly)
        let numeric = NumericColumn.available(in: runs)
        let scatterX = fields["sx"].flatMap(RunColumn.init(id:)).map(NumericColumn.init) ?? numeric.first
        let scatterY = fields["sy"].flatMap(RunColumn.init(id:)).map(NumericColumn.init) ?? numeric.last
        let metricKeys = Array(Set(runs.flatMap { $0.latestMetrics.map(\.key) }).sorted().prefix(Self.maxCompareCharts))
        let charts = try await MetricChartBuilder(tracking: tracking).charts(keys: metricKeys, runs: runs, settings: settings)
        let model = CompareView(
            runs: runs.map { run in
                let experimentID = run.info.experimentID
                return CompareRunHeader(
                    name: run.info.runName.isEmpty ? run.info.runID : run.info.runName, href: "/runs/\(run.info.runID)",
                    experiment: experimentNames[experimentID] ?? experimentID.description, experimentHref: "/experiments/\(experimentID)",
                    status: run.info.status.rawValue)
            },
            hiddenRuns: runs.map { HiddenField(name: "run", value: $0.info.runID) },
            sections: table.sections.map { section in
                CompareSectionView(
                    title: section.title, rows: section.rows.map { CompareRowView(label: $0.label, values: $0.values, differs: $0.differs) },
                    isEmpty: section.rows.isEmpty)
            },
            differencesOnly: differencesOnly,
            showChoices: [
                Choice(value: "diff", label: "Differences only", selected: differencesOnly),
                Choice(value: "all", label: "Everything", selected: !differencesOnly),
            ],
            xAxes: settings.xAxisChoices, smoothing: settings.smoothingChoices, logScale: settings.logScale, points: settings.pointChoices,
            scatterX: numeric.map { Choice(value: $0.column.id, label: $0.label, selected: $0 == scatterX) },
            scatterY: numeric.map { Choice(value: $0.column.id, label: $0.label, selected: $0 == scatterY) },
            scatterSVG: Self.scatter(runs, x: scatterX, y: scatterY),
            parallelSVG: Self.parallel(runs, columns: Self.parallelColumns(runs, numeric: numeric)),
            charts: charts, hasRuns: !runs.isEmpty)
        return renderer.page("compare", model, title: "Compare \(runs.count) runs", crumbs: [.init(label: "Experiments", href: "/")])
    }

    /// The names of the compared runs' experiments: one lookup per experiment, and a comparison
    /// spans a handful at most.
    private func experimentNames(_ ids: Set<ExperimentID>) async throws -> [ExperimentID: String] {
        var names: [ExperimentID: String] = [:]
        for id in ids { names[id] = try await tracking.experiment(id: id.description).name }
        return names
    }

    /// Columns where the runs differ, params first, then metrics, as many as stay readable.
    static func parallelColumns(_ runs: [Run], numeric: [NumericColumn]) -> [NumericColumn] {
        let varying = numeric.filter { column in Set(runs.map { column.value($0) }).count > 1 }
        return Array(varying.prefix(maxParallelAxes))
    }

    static func parallel(_ runs: [Run], columns: [NumericColumn]) -> String? {
        guard runs.count > 1, columns.count > 1 else { return nil }
        return ParallelCoordinates.svg(
            axes: columns.map { ParallelAxis(name: $0.label) },
            lines: runs.map { run in ParallelLine(label: run.info.runName, values: columns.map { $0.value(run) }) },
            width: 960, height: 360)
    }

    static func scatter(_ runs: [Run], x: NumericColumn?, y: NumericColumn?) -> String? {
        guard let x, let y else { return nil }
        let points = runs.compactMap { run -> ScatterPoint? in
            guard let xValue = x.value(run), let yValue = y.value(run), xValue.isFinite, yValue.isFinite else { return nil }
            return ScatterPoint(label: run.info.runName, x: xValue, y: yValue)
        }
        return ScatterPlot.svg(points, xLabel: x.label, yLabel: y.label, width: 640, height: 400)
    }
}
