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
///
/// It says what the run holds for each order key, not how a backend stores it, so any backend
/// (and any instance) continues a page another one began.
public struct RunSearchCursor: Sendable, Hashable {
    /// The run's value of each of the query's ``RunQuery/orderKeys``, in that order.
    public var values: [RunSortValue]

    public init(values: [RunSortValue]) {
        self.values = values
    }
}

/// What a run holds for one order key. Runs sort by number, time or text as the key's kind
/// says; NaN sorts after every number and a missing key after everything, in either direction.
public enum RunSortValue: Sendable, Hashable {
    /// The run lacks the key: an unlogged metric, param or tag, or no end (or start) time.
    case missing
    /// The metric's latest value is NaN.
    case nan
    /// A metric's latest value.
    case number(Double)
    /// A start or end time, in milliseconds.
    case time(Int64)
    /// A param or tag value, or a text attribute (run id, name, user, status name, artifact URI).
    case text(String)
}

extension RunQuery {
    /// The keys runs are ordered by: the query's, then start time (newest first) and run id, as
    /// in MLflow, unless the query orders by them already. A cursor holds one value per key.
    public var orderKeys: [RunOrder] {
        var keys = order
        if !keys.contains(where: { $0.key == .attribute(.startTime) }) {
            keys.append(RunOrder(key: .attribute(.startTime), ascending: false))
        }
        if !keys.contains(where: { $0.key == .attribute(.runID) }) {
            keys.append(RunOrder(key: .attribute(.runID), ascending: true))
        }
        return keys
    }

    /// Whether `cursor` can have ended a page of this query: one value per order key, each of a
    /// kind that key holds. A store refuses any other cursor with ``StoreError/cursorMismatch``.
    public func accepts(_ cursor: RunSearchCursor) -> Bool {
        let keys = orderKeys
        return keys.count == cursor.values.count && zip(keys, cursor.values).allSatisfy { $0.key.admits($1) }
    }
}

extension RunOrder.Key {
    /// Whether a run can hold `value` for this key.
    func admits(_ value: RunSortValue) -> Bool {
        switch (self, value) {
        case (.metric, .missing), (.metric, .nan), (.metric, .number): true
        case (.param, .missing), (.param, .text), (.tag, .missing), (.tag, .text): true
        case (.attribute(.startTime), .missing), (.attribute(.startTime), .time),
             (.attribute(.endTime), .missing), (.attribute(.endTime), .time): true
        case (.attribute(let attribute), .text): !attribute.isNumeric
        default: false
        }
    }
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
