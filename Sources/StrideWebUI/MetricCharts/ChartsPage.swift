import Hummingbird
import StrideDomain
import StrideService
import StrideStore

/// `/charts?run=…&metric=…`: line charts of metrics across runs, with the x axis, smoothing,
/// log scale and sample size picked in the URL.
extension WebUI {
    struct ChartsView {
        var runs: [LinkItem]
        var hiddenRuns: [HiddenField]
        var metricChoices: [Choice]
        var xAxes: [Choice]
        var smoothing: [Choice]
        var logScale: Bool
        var points: [Choice]
        var charts: [MetricChartView]
        var isEmpty: Bool
    }

    /// A page charts at most this many metrics when none are picked, so a run with thousands of
    /// metrics still opens quickly.
    static let maxDefaultCharts = 24

    func chartsPage(_ request: Request) async throws -> Response {
        let fields = FormFields(urlEncoded: request.uri.query)
        let runs = try await browse.runs(ids: Array(fields.distinct("run").prefix(Limits.maxRunsPerBulkHistory)))
        let settings = ChartSettings(fields: fields)
        let available = Set(runs.flatMap { $0.latestMetrics.map(\.key) }).sorted()
        let picked = fields.distinct("metric").filter(available.contains)
        let keys = picked.isEmpty ? Array(available.prefix(Self.maxDefaultCharts)) : picked
        let charts = try await MetricChartBuilder(tracking: tracking).charts(keys: keys, runs: runs, settings: settings)
        let model = ChartsView(
            runs: runs.map { LinkItem(label: $0.info.runName.isEmpty ? $0.info.runID : $0.info.runName, href: "/runs/\($0.info.runID)") },
            hiddenRuns: runs.map { HiddenField(name: "run", value: $0.info.runID) },
            metricChoices: available.map { Choice(value: $0, label: $0, selected: picked.contains($0)) },
            xAxes: settings.xAxisChoices, smoothing: settings.smoothingChoices, logScale: settings.logScale,
            points: settings.pointChoices, charts: charts, isEmpty: charts.isEmpty)
        return renderer.page("charts", model, title: "Metric charts", crumbs: [.init(label: "Experiments", href: "/")])
    }
}

extension Templates {
    static let chartControls = """
        <div class="bar">
        {{#xAxes}}<label><input type="radio" name="x" value="{{value}}"{{#selected}} checked{{/selected}}> {{label}}</label>{{/xAxes}}
        <select name="smooth" aria-label="Smoothing">{{#smoothing}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/smoothing}}</select>
        <label><input type="checkbox" name="log" value="1"{{#logScale}} checked{{/logScale}}> Log scale</label>
        <select name="points" aria-label="Points per run">{{#points}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/points}}</select>
        <button>Redraw</button>
        </div>
        """

    static let charts = """
        <p class="sub">Runs: {{#runs}}<a href="{{href}}">{{label}}</a> {{/runs}}{{^runs}}none selected. Pick runs in an experiment's table and choose "Chart selected".{{/runs}}</p>
        <form class="controls" method="get" action="/charts">
        {{#hiddenRuns}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hiddenRuns}}
        {{> chartControls}}
        <details class="columns"><summary>Metrics</summary><div class="column-groups"><fieldset>
        {{#metricChoices}}<label><input type="checkbox" name="metric" value="{{value}}"{{#selected}} checked{{/selected}}> {{label}}</label>{{/metricChoices}}
        </fieldset></div><button>Show these metrics</button></details>
        </form>
        {{#isEmpty}}<p class="empty">No metrics to chart.</p>{{/isEmpty}}
        <div class="charts">{{#charts}}<figure class="chart" data-series="{{seriesCount}}">{{{svg}}}</figure>{{/charts}}</div>
        """
}
