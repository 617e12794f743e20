import Hummingbird
import StrideDomain
import StrideService
import StrideStore

/// `/experiments/:id`: the experiment's runs, one API page at a time, with picked columns.
extension WebUI {
    func runsTablePage(_ request: Request, experimentID: String) async throws -> Response {
        let state = RunsTableState(experimentID: experimentID, fields: FormFields(urlEncoded: request.uri.query))
        let experiment = try await tracking.experiment(id: experimentID)
        let keys = try await tracking.experimentKeys(id: experimentID)
        let columns = state.columns ?? Self.defaultColumns(keys)
        var runs: [Run] = []
        var nextToken: String?
        var filterError: FilterErrorView?
        do {
            (runs, nextToken) = try await tracking.searchRuns(
                experimentIDs: [experimentID], filter: state.filter, orderBy: [state.sort.orderBy(descending: state.descending)],
                viewType: state.view.viewType, maxResults: state.pageSize, pageToken: state.pageToken)
        } catch let error as StrideError where error.code == .invalidParameterValue {
            filterError = FilterErrorView(message: error.message, filter: state.filter)
        }
        let metricValues = try await metricCells(runs: runs, columns: columns, state: state)
        let table = RunsTableBuilder(state: state, columns: columns, metricValues: metricValues)
        var next = state
        next.pageToken = nextToken
        let model = RunsTableView(
            experimentID: experimentID, filter: state.filter, filterError: filterError,
            headers: table.headers(), rows: table.rows(runs), isEmpty: runs.isEmpty && filterError == nil, hasRows: !runs.isEmpty,
            nextHref: nextToken.map { _ in next.link(keepingPage: true).url },
            firstHref: state.pageToken.map { _ in state.link().url },
            hidden: [HiddenField(name: "sort", value: state.sort.id), HiddenField(name: "dir", value: state.descending ? "desc" : "asc")],
            paramChoices: Self.columnChoices(keys.params.map(RunColumn.param), picked: columns),
            metricChoices: Self.columnChoices(keys.metrics.map(RunColumn.metric), picked: columns),
            tagChoices: Self.columnChoices(keys.tags.map(RunColumn.tag), picked: columns),
            modes: MetricCellMode.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == state.metricMode) },
            step: String(state.step), views: ViewTypeChoice.choices(selected: state.view.viewType),
            pageSizes: RunsTableState.pageSizes.map { Choice(value: String($0), label: "\($0) rows", selected: $0 == state.pageSize) },
            back: state.link(keepingPage: true).url, canDelete: state.view != .deleted && Viewer.current.may(.maintainer),
            canRestore: state.view != .active && Viewer.current.may(.maintainer))
        return renderer.page(
            "runs", model, title: experiment.name, crumbs: [.init(label: "Experiments", href: "/")])
    }

    /// Without a pick in the URL: the first few metrics and params, so a new experiment reads well.
    static func defaultColumns(_ keys: ExperimentKeys) -> [RunColumn] {
        keys.metrics.prefix(6).map(RunColumn.metric) + keys.params.prefix(6).map(RunColumn.param)
    }

    static func columnChoices(_ available: [RunColumn], picked: [RunColumn]) -> [Choice] {
        let chosen = Set(picked)
        return available.map { Choice(value: $0.id, label: $0.key, selected: chosen.contains($0)) }
    }

    /// The metric values the cells show when the mode is not "last": one query for the whole page.
    private func metricCells(runs: [Run], columns: [RunColumn], state: RunsTableState) async throws -> MetricCellValues {
        let keys = columns.compactMap { if case .metric(let key) = $0 { key } else { nil } }
        let runIDs = runs.map(\.info.runID)
        guard !keys.isEmpty, !runIDs.isEmpty else { return MetricCellValues() }
        var values = MetricCellValues()
        switch state.metricMode {
        case .last:
            break
        case .min, .max:
            for range in try await browse.metricRanges(runIDs: runIDs, keys: keys) {
                values.set(state.metricMode == .min ? range.min : range.max, runID: range.runID, key: range.key)
            }
        case .step:
            for point in try await browse.metricValues(atStep: state.step, runIDs: runIDs, keys: keys) {
                values.set(point.metric.value, runID: point.runID, key: point.metric.key)
            }
        }
        return values
    }
}

/// Metric values by run and key, for the cells of a page.
struct MetricCellValues: Sendable {
    private var values: [String: [String: Double]] = [:]

    mutating func set(_ value: Double?, runID: String, key: String) {
        guard let value else { return }
        values[runID, default: [:]][key] = value
    }

    func value(runID: String, key: String) -> Double? {
        values[runID]?[key]
    }
}

struct RunsTableView {
    var experimentID: String
    var filter: String
    var filterError: FilterErrorView?
    var headers: [RunsTableHeader]
    var rows: [RunsTableRow]
    var isEmpty: Bool
    var hasRows: Bool
    var nextHref: String?
    var firstHref: String?
    var hidden: [HiddenField]
    var paramChoices: [Choice]
    var metricChoices: [Choice]
    var tagChoices: [Choice]
    var modes: [Choice]
    var step: String
    var views: [Choice]
    var pageSizes: [Choice]
    var back: String
    var canDelete: Bool
    var canRestore: Bool
}
