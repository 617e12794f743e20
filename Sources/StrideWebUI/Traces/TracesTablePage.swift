import Hummingbird
import StrideDomain
import StrideService

/// `/experiments/:id/traces`: the experiment's traces beside its runs, filtered with MLflow's trace
/// filter language, ordered by a column, one keyset page at a time.
extension WebUI {
    struct TracesTableView {
        var experimentID: String
        var runsHref: String
        var filter: String
        var filterError: FilterErrorView?
        var headers: [RunsTableHeader]
        var rows: [TraceRow]
        var isEmpty: Bool
        var hasRows: Bool
        var nextHref: String?
        var firstHref: String?
        var hidden: [HiddenField]
        var pageSizes: [Choice]
        var unavailable: Bool
    }

    struct TraceRow {
        var traceID: String
        var href: String
        var time: String
        var name: String
        var state: String
        var stateClass: String
        var latency: String
        var tokens: String
        var tags: String
        var tagsTitle: String
        var runID: String?
        var runHref: String?
        var request: String
        var requestTitle: String
    }

    func tracesTablePage(_ request: Request, experimentID: String) async throws -> Response {
        let state = TracesTableState(experimentID: experimentID, fields: FormFields(urlEncoded: request.uri.query))
        let experiment = try await tracking.experiment(id: experimentID)
        var found: [TraceInfo] = []
        var nextToken: String?
        var filterError: FilterErrorView?
        if let traces {
            do {
                (found, nextToken) = try await traces.search(
                    experimentIDs: [experimentID], filter: state.filter, orderBy: state.orderBy, maxResults: state.pageSize,
                    pageToken: state.pageToken)
            } catch let error as StrideError where error.code == .invalidParameterValue {
                filterError = FilterErrorView(message: error.message, filter: state.filter)
            }
        }
        var next = state
        next.pageToken = nextToken
        let model = TracesTableView(
            experimentID: experimentID, runsHref: "/experiments/\(experimentID)", filter: state.filter, filterError: filterError,
            headers: [
                state.header("Time (UTC)", .time), state.header("Name", .name), state.header("State", .state),
                state.header("Latency", .latency, numeric: true), state.header("Tokens", nil, numeric: true), state.header("Tags", nil),
                state.header("Run", nil), state.header("Request", nil),
            ],
            rows: found.map(Self.traceRow), isEmpty: found.isEmpty && filterError == nil && traces != nil, hasRows: !found.isEmpty,
            nextHref: nextToken.map { _ in next.link(keepingPage: true).url }, firstHref: state.pageToken.map { _ in state.link().url },
            hidden: [HiddenField(name: "sort", value: state.sort.rawValue), HiddenField(name: "dir", value: state.descending ? "desc" : "asc")],
            pageSizes: TracesTableState.pageSizes.map { Choice(value: String($0), label: "\($0) rows", selected: $0 == state.pageSize) },
            unavailable: traces == nil)
        return renderer.page(
            "traces", model, title: "Traces of \(experiment.name)",
            crumbs: [.init(label: "Experiments", href: "/"), .init(label: experiment.name, href: "/experiments/\(experiment.id)")])
    }

    /// A table row: user tags only (MLflow's own `mlflow.*` tags are on the trace page), tokens
    /// from the trace's metadata, so the page needs no spans.
    static func traceRow(_ trace: TraceInfo) -> TraceRow {
        let tags = trace.tags.filter { !$0.key.hasPrefix("mlflow.") }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        let tokens = trace.metadata.last { $0.key == TraceKeys.tokenUsage }.flatMap { TokenUsage(presentIn: $0.value) }
        let request = trace.requestPreview ?? ""
        return TraceRow(
            traceID: trace.id, href: "/traces/\(PageLink.segment(trace.id))", time: Formatting.time(trace.requestTime),
            name: trace.name ?? trace.id, state: trace.state.name, stateClass: "trace-" + trace.state.name.lowercased(),
            latency: SpanTime.latency(milliseconds: trace.executionDuration), tokens: tokens?.count("total_tokens").map(String.init) ?? tokens?.displayText ?? "",
            tags: Formatting.abbreviated(tags, to: 60), tagsTitle: tags, runID: trace.runID,
            runHref: trace.runID.map { "/runs/\(PageLink.segment($0))" }, request: Formatting.abbreviated(request, to: 80), requestTitle: request)
    }
}

extension Templates {
    static let traces = """
        <p class="sub">Experiment <span class="mono">{{experimentID}}</span></p>
        <nav class="tabs"><a href="{{runsHref}}">Runs</a> <a href="{{runsHref}}/traces" aria-current="page">Traces</a></nav>
        {{#unavailable}}<p class="empty">This server's backend store does not hold traces.</p>{{/unavailable}}
        <form class="controls" method="get" action="/experiments/{{experimentID}}/traces">
        {{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hidden}}
        <div class="bar">
        <input class="filter" type="search" name="filter" value="{{filter}}" placeholder="trace.status = 'ERROR' AND trace.execution_time_ms &gt; 500" aria-label="Filter traces">
        <label>Page <select name="rows">{{#pageSizes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/pageSizes}}</select></label>
        <button>Apply</button>
        </div>
        {{#filterError}}<div class="error" role="alert"><p>{{message}}</p>{{#hasPosition}}<pre class="filter-echo">{{before}}<mark>{{marked}}</mark>{{after}}</pre>{{/hasPosition}}</div>{{/filterError}}
        </form>
        {{#isEmpty}}<p class="empty">No traces match.</p>{{/isEmpty}}
        {{#hasRows}}
        <div class="scroll"><table class="grid traces">
        <thead><tr>{{#headers}}<th{{#numeric}} class="num"{{/numeric}} title="{{title}}">{{#sortHref}}<a href="{{.}}">{{label}}</a>{{/sortHref}}{{^sortHref}}{{label}}{{/sortHref}} {{arrow}}</th>{{/headers}}</tr></thead>
        <tbody>
        {{#rows}}<tr><td class="nowrap">{{time}}</td><td class="name"><a href="{{href}}" title="{{traceID}}">{{name}}</a></td>
        <td><span class="status {{stateClass}}">{{state}}</span></td><td class="num nowrap">{{latency}}</td><td class="num">{{tokens}}</td>
        <td title="{{tagsTitle}}">{{tags}}</td><td class="mono">{{#runHref}}<a href="{{.}}">{{runID}}</a>{{/runHref}}</td><td title="{{requestTitle}}">{{request}}</td></tr>
        {{/rows}}
        </tbody></table></div>
        {{/hasRows}}
        <nav class="pager">{{#firstHref}}<a href="{{.}}">First page</a>{{/firstHref}} {{#nextHref}}<a href="{{.}}">Next page</a>{{/nextHref}}</nav>
        """
}
