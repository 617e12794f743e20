import StrideDomain

/// A column heading: a link that sorts by the column, with an arrow on the sorted one.
struct RunsTableHeader: Sendable {
    var label: String
    var title: String
    var sortHref: String?
    var arrow: String
    var numeric: Bool
}

struct RunsTableCell: Sendable {
    var text: String
    var title: String
    var numeric: Bool
}

struct RunsTableRow: Sendable {
    var runID: String
    var name: String
    var href: String
    var status: String
    var statusClass: String
    var started: String
    var duration: String
    var user: String
    var source: String
    var sourceTitle: String
    var commit: String
    var commitTitle: String
    /// 0 for a top-level run, 1 for a child shown under its parent on the page, and so on.
    var depthClass: String
    var isDeleted: Bool
    /// A link to the parent when it is not on this page.
    var parentHref: String?
    var cells: [RunsTableCell]
}

/// Turns a page of runs into headings and rows, children placed under their parents.
struct RunsTableBuilder {
    var state: RunsTableState
    var columns: [RunColumn]
    var metricValues: MetricCellValues

    /// Fixed columns first, each sortable through the API where it can sort.
    func headers() -> [RunsTableHeader] {
        let fixed: [(String, RunColumn?)] = [
            ("Run", .attribute(.runName)), ("Status", .attribute(.status)), ("Started (UTC)", .attribute(.startTime)),
            ("Duration", nil), ("User", .attribute(.userID)), ("Source", .tag(RunTagKeys.sourceName)), ("Commit", .tag(RunTagKeys.gitCommit)),
        ]
        let modeNote = state.metricMode == .last ? "" : state.metricMode == .step ? " @\(state.step)" : " (\(state.metricMode.rawValue))"
        return fixed.map { header($0.0, title: $0.0, column: $0.1, numeric: false) }
            + columns.map { column in
                switch column {
                case .metric(let key): header(key + modeNote, title: column.id, column: column, numeric: true)
                default: header(column.key, title: column.id, column: column, numeric: false)
                }
            }
    }

    private func header(_ label: String, title: String, column: RunColumn?, numeric: Bool) -> RunsTableHeader {
        let arrow = column == state.sort ? (state.descending ? "▼" : "▲") : ""
        return RunsTableHeader(
            label: label, title: title, sortHref: column.map { state.sorted(by: $0).link().url }, arrow: arrow, numeric: numeric)
    }

    /// Rows in page order, except that a child whose parent is on the page follows its parent.
    func rows(_ runs: [Run]) -> [RunsTableRow] {
        let onPage = Set(runs.map(\.info.runID))
        var children: [String: [Run]] = [:]
        var topLevel: [Run] = []
        for run in runs {
            if let parent = run.parentRunID, parent != run.info.runID, onPage.contains(parent) {
                children[parent, default: []].append(run)
            } else {
                topLevel.append(run)
            }
        }
        var rows: [RunsTableRow] = []
        var placed = Set<String>()
        func place(_ run: Run, depth: Int) {
            guard placed.insert(run.info.runID).inserted else { return }
            rows.append(row(run, depth: depth, parentOnPage: depth > 0))
            for child in children[run.info.runID] ?? [] { place(child, depth: min(depth + 1, 3)) }
        }
        for run in topLevel { place(run, depth: 0) }
        // Runs in a parent cycle have no top-level ancestor; they still get a row.
        for run in runs { place(run, depth: 0) }
        return rows
    }

    private func row(_ run: Run, depth: Int, parentOnPage: Bool) -> RunsTableRow {
        let info = run.info
        return RunsTableRow(
            runID: info.runID, name: info.runName.isEmpty ? info.runID : info.runName, href: "/runs/\(info.runID)",
            status: info.status.rawValue, statusClass: "status-" + info.status.rawValue.lowercased(),
            started: Formatting.time(info.startTime), duration: Formatting.duration(from: info.startTime, to: info.endTime),
            user: info.userID, source: run.sourceShortName, sourceTitle: run.tag(RunTagKeys.sourceName) ?? "",
            commit: run.shortCommit, commitTitle: run.tag(RunTagKeys.gitCommit) ?? "", depthClass: "depth-\(depth)",
            isDeleted: info.lifecycleStage == .deleted,
            parentHref: parentOnPage ? nil : run.parentRunID.map { "/runs/\($0)" },
            cells: columns.map { cell(run, $0) })
    }

    private func cell(_ run: Run, _ column: RunColumn) -> RunsTableCell {
        switch column {
        case .metric(let key):
            let value: Double?
            if state.metricMode == .last {
                value = run.latestMetric(key)?.value
            } else {
                value = metricValues.value(runID: run.info.runID, key: key)
            }
            return RunsTableCell(text: Formatting.number(value), title: value.map { String($0) } ?? "", numeric: true)
        case .param(let key):
            return textCell(run.param(key))
        case .tag(let key):
            return textCell(run.tag(key))
        case .attribute(let attribute):
            return textCell(attribute == .runID ? run.info.runID : nil)
        }
    }

    private func textCell(_ value: String?) -> RunsTableCell {
        RunsTableCell(text: Formatting.abbreviated(value ?? "", to: 40), title: value ?? "", numeric: false)
    }
}
