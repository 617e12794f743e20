import Hummingbird
import StrideDomain
import StrideService
import StrideStore

/// `/runs/:id`: one run's ids, times, lineage, provenance, params, metrics, tags and inputs.
extension WebUI {
    struct RunView {
        var runID: String
        var experimentID: String
        var status: String
        var statusClass: String
        var info: [KeyValueRow]
        var provenance: [KeyValueRow]
        var children: [LinkItem]
        var metrics: [MetricSummaryRow]
        var params: [KeyValueRow]
        var tags: [KeyValueRow]
        var datasets: [DatasetRow]
        var models: [LinkItem]
        var chartsHref: String
        var artifactsHref: String
        var tracesHref: String
    }

    struct MetricSummaryRow {
        var key: String
        var chartHref: String
        var last: String
        var step: String
        var min: String
        var max: String
    }

    struct DatasetRow {
        var name: String
        var digest: String
        var context: String
        var sourceType: String
        var source: String
    }

    /// Children beyond this many are reached through the runs table's filter.
    static let maxChildrenListed = 100

    func runPage(_ request: Request, runID: String) async throws -> Response {
        let run = try await tracking.run(id: runID)
        let info = run.info
        let experiment = try await tracking.experiment(id: info.experimentID.description)
        let children = try await browse.childRuns(of: runID, limit: Self.maxChildrenListed)
        let ranges = try await browse.metricRanges(runIDs: [runID], keys: run.latestMetrics.map(\.key))
        let rangeByKey = Dictionary(ranges.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })

        var rows = [
            KeyValueRow("Run ID", info.runID, mono: true),
            KeyValueRow("Experiment", experiment.name, href: "/experiments/\(experiment.id)"),
            KeyValueRow("Started (UTC)", Formatting.time(info.startTime)),
            KeyValueRow("Ended (UTC)", Formatting.time(info.endTime)),
            KeyValueRow("Duration", Formatting.duration(from: info.startTime, to: info.endTime)),
            KeyValueRow("User", info.userID),
            KeyValueRow("Lifecycle", info.lifecycleStage.rawValue),
            KeyValueRow("Artifact URI", info.artifactURI, mono: true),
        ]
        if let parentID = run.parentRunID {
            // The tag is client text: it links only to a run of this project, else it is shown as written.
            let parent = try await browse.runs(ids: [parentID]).first
            rows.append(KeyValueRow("Parent run", parentID, href: parent.map { "/runs/\($0.info.runID)" }, mono: true))
        }
        let model = RunView(
            runID: runID, experimentID: experiment.id.description, status: info.status.rawValue,
            statusClass: "status-" + info.status.rawValue.lowercased(), info: rows, provenance: Self.provenance(run),
            children: children.map { LinkItem(label: $0.runName.isEmpty ? $0.runID : $0.runName, href: "/runs/\($0.runID)") },
            metrics: run.latestMetrics.map { metric in
                let range = rangeByKey[metric.key]
                return MetricSummaryRow(
                    key: metric.key, chartHref: PageLink("/charts").with("run", runID).with("metric", metric.key).url,
                    last: Formatting.number(metric.value), step: String(metric.step), min: Formatting.number(range?.min),
                    max: Formatting.number(range?.max))
            },
            params: KeyValueRow.rows(run.params), tags: KeyValueRow.rows(run.tags),
            datasets: run.datasetInputs.map { input in
                DatasetRow(
                    name: input.dataset.name, digest: input.dataset.digest,
                    context: input.tags.first { $0.key == ReservedTag.datasetContext }?.value ?? "",
                    sourceType: input.dataset.sourceType, source: Formatting.abbreviated(input.dataset.source, to: 120))
            },
            models: run.modelOutputs.map { LinkItem(label: "\($0.modelID) (step \($0.step))", href: "") },
            chartsHref: PageLink("/charts").with("run", runID).url, artifactsHref: "/runs/\(runID)/artifacts",
            tracesHref: PageLink("/experiments/\(experiment.id)/traces").with("filter", "trace.run_id = '\(runID)'").url)
        return renderer.page(
            "run", model, title: info.runName.isEmpty ? info.runID : info.runName,
            crumbs: [.init(label: "Experiments", href: "/"), .init(label: experiment.name, href: "/experiments/\(experiment.id)")])
    }

    /// Where the run came from, as CI and the mlflow client record it in tags.
    static func provenance(_ run: Run) -> [KeyValueRow] {
        var rows: [KeyValueRow] = []
        if let job = run.tag(RunTagKeys.gitlabJobID) {
            let url = run.tag(RunTagKeys.gitlabJobURL).flatMap { $0.hasPrefix("https://") || $0.hasPrefix("http://") ? $0 : nil }
            rows.append(KeyValueRow("GitLab CI job", job, href: url, mono: true))
        }
        if let commit = run.tag(RunTagKeys.gitCommit) { rows.append(KeyValueRow("Git commit", commit, mono: true)) }
        if let source = run.tag(RunTagKeys.sourceName) { rows.append(KeyValueRow("Source", source, mono: true)) }
        return rows
    }
}

extension Templates {
    static let run = """
        <p class="sub"><span class="status {{statusClass}}">{{status}}</span> <span class="mono">{{runID}}</span> <button type="button" class="copy" data-copy="{{runID}}" hidden>Copy ID</button></p>
        <nav class="tabs"><a href="{{chartsHref}}">Charts</a> <a href="{{artifactsHref}}">Artifacts</a> <a href="{{tracesHref}}">Traces</a></nav>
        <div class="cards">
        <section><h2>Run</h2><table class="kv">{{#info}}{{> keyValueRow}}{{/info}}</table>
        </section>
        <section><h2>Provenance</h2>{{^provenance}}<p class="empty">No CI or source tags.</p>{{/provenance}}
        <table class="kv">{{#provenance}}{{> keyValueRow}}{{/provenance}}</table>
        <h2>Child runs</h2>{{^children}}<p class="empty">None.</p>{{/children}}<ul class="links">{{#children}}<li><a href="{{href}}">{{label}}</a></li>{{/children}}</ul>
        </section>
        </div>
        <section><h2>Metrics</h2>{{^metrics}}<p class="empty">No metrics logged.</p>{{/metrics}}
        <div class="scroll"><table class="grid"><thead><tr><th>Metric</th><th class="num">Last</th><th class="num">Step</th><th class="num">Min</th><th class="num">Max</th></tr></thead><tbody>
        {{#metrics}}<tr><td><a href="{{chartHref}}">{{key}}</a></td><td class="num">{{last}}</td><td class="num">{{step}}</td><td class="num">{{min}}</td><td class="num">{{max}}</td></tr>{{/metrics}}
        </tbody></table></div></section>
        <div class="cards">
        <section><h2>Params</h2>{{^params}}<p class="empty">No params logged.</p>{{/params}}<table class="kv">{{#params}}{{> keyValueRow}}{{/params}}</table></section>
        <section><h2>Tags</h2>{{^tags}}<p class="empty">No tags set.</p>{{/tags}}<table class="kv">{{#tags}}{{> keyValueRow}}{{/tags}}</table></section>
        </div>
        <section><h2>Dataset inputs</h2>{{^datasets}}<p class="empty">No datasets logged.</p>{{/datasets}}
        <table class="grid">{{#datasets}}<tr><td>{{name}}</td><td class="mono">{{digest}}</td><td>{{context}}</td><td>{{sourceType}}</td><td class="mono">{{source}}</td></tr>{{/datasets}}</table></section>
        <section><h2>Logged models</h2>{{^models}}<p class="empty">None.</p>{{/models}}<ul class="links">{{#models}}<li class="mono">{{label}}</li>{{/models}}</ul></section>
        """
}
