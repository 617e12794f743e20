import StrideDomain

/// Everything that decides what the runs table shows, read from and written to its URL.
struct RunsTableState: Sendable {
    var experimentID: String
    var filter: String
    var sort: RunColumn
    var descending: Bool
    /// The picked param, metric and tag columns; nil when the URL picks none, so a default applies.
    var columns: [RunColumn]?
    var metricMode: MetricCellMode
    var step: Int64
    var view: ViewTypeChoice
    var pageSize: Int
    var pageToken: String?

    static let defaultSort = RunColumn.attribute(.startTime)
    static let pageSizes = [25, 50, 100, 200]
    static let defaultPageSize = 50

    init(experimentID: String, fields: FormFields) {
        self.experimentID = experimentID
        filter = fields["filter"] ?? ""
        sort = fields["sort"].flatMap(RunColumn.init(id:)) ?? Self.defaultSort
        descending = fields["dir"].map { $0 != "asc" } ?? true
        // `cols=1` marks a submitted column picker, where picking nothing means no columns.
        let picked = fields.distinct("col").compactMap(RunColumn.init(id:))
        columns = picked.isEmpty && fields["cols"] == nil ? nil : picked
        metricMode = MetricCellMode(parameter: fields["mode"])
        step = fields["step"].flatMap { Int64($0) } ?? 0
        view = ViewTypeChoice(parameter: fields["view"])
        pageSize = fields["rows"].flatMap { Int($0) }.flatMap { Self.pageSizes.contains($0) ? $0 : nil } ?? Self.defaultPageSize
        pageToken = fields.nonEmpty("page")
    }

    /// The link to this state; `page` is dropped unless kept, since any change starts at page one.
    func link(keepingPage: Bool = false) -> PageLink {
        var link = PageLink("/experiments/\(experimentID)")
            .with("filter", filter)
            .with("sort", sort == Self.defaultSort ? nil : sort.id)
            .with("dir", descending ? nil : "asc")
        if let columns {
            link = link.with("cols", "1").with("col", all: columns.map(\.id))
        }
        link = link
            .with("mode", metricMode == .last ? nil : metricMode.rawValue)
            .with("step", metricMode == .step ? String(step) : nil)
            .with("view", view.parameter)
            .with("rows", pageSize == Self.defaultPageSize ? nil : String(pageSize))
        return keepingPage ? link.with("page", pageToken) : link
    }

    /// The state sorted by `column`: the other direction when it already sorts by it.
    func sorted(by column: RunColumn) -> RunsTableState {
        var next = self
        next.descending = column == sort ? !descending : column.sortsDescendingFirst
        next.sort = column
        next.pageToken = nil
        return next
    }
}
