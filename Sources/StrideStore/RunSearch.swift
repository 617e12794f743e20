public import StrideDomain

/// A `runs/search` request after parsing.
public struct RunQuery: Sendable {
    public var experimentIDs: [ExperimentID]
    public var filter: FilterTree<RunFilterClause>
    public var order: [RunOrder]
    public var viewType: ViewType
    public var maxResults: Int
    /// Where the previous page ended; nil for the first page.
    public var after: RunSearchCursor?

    public init(
        experimentIDs: [ExperimentID], filter: FilterTree<RunFilterClause>, order: [RunOrder], viewType: ViewType,
        maxResults: Int, after: RunSearchCursor? = nil
    ) {
        self.experimentIDs = experimentIDs
        self.filter = filter
        self.order = order
        self.viewType = viewType
        self.maxResults = maxResults
        self.after = after
    }
}

/// The sort key of the last run on a page. The next page starts strictly after it, so runs
/// created or deleted while a client pages never make it repeat or skip a run (an offset would).
public struct RunSearchCursor: Sendable, Hashable {
    /// Which ordered slice of the result the run was in (runs with, NaN, or lacking the first
    /// order key); the store defines the slices.
    public var segment: Int
    /// The run's values of the ordering terms of that slice, ending with its run id.
    public var values: [SortValue]

    public init(segment: Int, values: [SortValue]) {
        self.segment = segment
        self.values = values
    }
}

/// One value of a sort key, as the store compares it.
public enum SortValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// One page of runs and, when more exist, where the next page starts.
public struct RunPage: Sendable {
    public var runs: [Run]
    public var next: RunSearchCursor?

    public init(runs: [Run], next: RunSearchCursor?) {
        self.runs = runs
        self.next = next
    }
}
