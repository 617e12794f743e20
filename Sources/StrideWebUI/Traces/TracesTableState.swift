/// Everything that decides what an experiment's traces tab shows, read from and written to its URL.
struct TracesTableState: Sendable {
    /// The columns the search can order by, by their `order_by` names.
    enum Sort: String, Sendable, CaseIterable {
        case time = "timestamp_ms"
        case name
        case latency = "execution_time_ms"
        case state = "status"
    }

    var experimentID: String
    var filter: String
    var sort: Sort
    var descending: Bool
    var pageSize: Int
    var pageToken: String?

    static let pageSizes = [25, 50, 100]
    static let defaultPageSize = 50

    init(experimentID: String, fields: FormFields) {
        self.experimentID = experimentID
        filter = fields["filter"] ?? ""
        sort = fields["sort"].flatMap(Sort.init(rawValue:)) ?? .time
        descending = fields["dir"].map { $0 != "asc" } ?? true
        pageSize = fields["rows"].flatMap { Int($0) }.flatMap { Self.pageSizes.contains($0) ? $0 : nil } ?? Self.defaultPageSize
        pageToken = fields.nonEmpty("page")
    }

    /// The search's `order_by` (the store breaks ties by trace id, which keeps pages stable).
    var orderBy: [String] {
        [sort.rawValue + (descending ? " DESC" : " ASC")]
    }

    /// The link to this state; `page` is dropped unless kept, since any change starts at page one.
    func link(keepingPage: Bool = false) -> PageLink {
        let link = PageLink("/experiments/\(experimentID)/traces")
            .with("filter", filter)
            .with("sort", sort == .time ? nil : sort.rawValue)
            .with("dir", descending ? nil : "asc")
            .with("rows", pageSize == Self.defaultPageSize ? nil : String(pageSize))
        return keepingPage ? link.with("page", pageToken) : link
    }

    /// The state sorted by `column`: the other direction when it already sorts by it.
    func sorted(by column: Sort) -> TracesTableState {
        var next = self
        next.descending = column == sort ? !descending : column == .time || column == .latency
        next.sort = column
        next.pageToken = nil
        return next
    }

    func header(_ label: String, _ column: Sort?, numeric: Bool = false) -> RunsTableHeader {
        RunsTableHeader(
            label: label, title: label, sortHref: column.map { sorted(by: $0).link().url },
            arrow: column == sort ? (descending ? "▼" : "▲") : "", numeric: numeric)
    }
}
