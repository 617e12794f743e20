/// A validated `experiments/search` filter clause.
public enum ExperimentFilterClause: Sendable, Hashable {
    /// `name` compared with `=`, `!=`, `LIKE` or `ILIKE`.
    case name(FilterOperator, String)
    /// `experiment_id IN (...)`, `NOT IN`, `=` or `!=`.
    case experimentIDs(FilterOperator, [String])
    /// `creation_time` or `last_update_time` compared with the literal as written, as in MLflow
    /// (`creation_time > 1e19` holds for no experiment).
    case time(column: TimeColumn, FilterOperator, Double)
    /// `tags.<key>` compared with one string, with a list (`IN`, `NOT IN`, a Stride extension) or
    /// tested for presence (`IS [NOT] NULL`, no values).
    case tag(key: String, FilterOperator, [String])

    public enum TimeColumn: String, Sendable, Hashable {
        case creationTime = "creation_time"
        case lastUpdateTime = "last_update_time"
    }

    /// Parses and checks a filter against the identifiers experiments support.
    public static func parse(_ filter: String) throws(StrideError) -> FilterTree<ExperimentFilterClause> {
        try FilterParser.parse(filter).map { (comparison) throws(StrideError) in try clause(comparison) }
    }

    private static let stringOperators: Set<FilterOperator> = [.equal, .notEqual, .like, .iLike]
    private static let numericOperators: Set<FilterOperator> = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]

    private static func clause(_ comparison: FilterComparison) throws(StrideError) -> ExperimentFilterClause {
        switch comparison.entity {
        case .attribute:
            switch comparison.key {
            case "name":
                guard stringOperators.contains(comparison.op), case .string(let text) = comparison.value else {
                    throw comparison.invalid(expecting: "a quoted string with =, !=, LIKE or ILIKE")
                }
                return .name(comparison.op, text)
            case "experiment_id":
                switch (comparison.op, comparison.value) {
                case (.in, .list(let ids)), (.notIn, .list(let ids)):
                    return .experimentIDs(comparison.op, ids)
                case (.equal, .string(let id)), (.notEqual, .string(let id)):
                    return .experimentIDs(comparison.op, [id])
                default:
                    throw comparison.invalid(expecting: "=, !=, IN or NOT IN with quoted ids")
                }
            case TimeColumn.creationTime.rawValue, TimeColumn.lastUpdateTime.rawValue:
                guard numericOperators.contains(comparison.op), case .number(let number) = comparison.value,
                      let column = TimeColumn(rawValue: comparison.key)
                else {
                    throw comparison.invalid(expecting: "a numeric value")
                }
                return .time(column: column, comparison.op, number)
            default:
                throw .invalidParameter(
                    "Invalid attribute key '\(comparison.key)' specified. Valid keys are '['name', 'creation_time', 'last_update_time', 'experiment_id']' (position \(comparison.offset)).")
            }
        case .tag:
            switch (comparison.op, comparison.value) {
            case (.isNull, _), (.isNotNull, _):
                return .tag(key: comparison.key, comparison.op, [])
            case (.in, .list(let items)), (.notIn, .list(let items)):
                return .tag(key: comparison.key, comparison.op, items)
            case (let op, .string(let text)) where stringOperators.contains(op):
                return .tag(key: comparison.key, op, [text])
            default:
                throw comparison.invalid(expecting: "a quoted string with =, !=, LIKE, ILIKE, IS NULL or IS NOT NULL")
            }
        default:
            throw .invalidParameter(
                "Invalid entity type '\(comparison.entity.rawValue)' at position \(comparison.offset). Experiments can be filtered by attributes and tags only.")
        }
    }
}

/// One `experiments/search` ordering key.
public struct ExperimentOrder: Sendable, Hashable {
    public enum Column: String, Sendable, Hashable {
        case name
        case experimentID = "experiment_id"
        case creationTime = "creation_time"
        case lastUpdateTime = "last_update_time"
    }

    public var column: Column
    public var ascending: Bool

    public init(column: Column, ascending: Bool) {
        self.column = column
        self.ascending = ascending
    }

    /// Parses `"<attribute> [ASC|DESC]"`; tags and other entities are rejected as in MLflow.
    public static func parse(_ clauses: [String]) throws(StrideError) -> [ExperimentOrder] {
        try OrderByTerm.parseUnique(clauses) { (term) throws(StrideError) -> Column in
            guard term.entity == .attribute, let column = Column(rawValue: term.key) else {
                throw .invalidParameter(
                    "Invalid attribute key '\(term.key)' specified. Valid keys are '['name', 'experiment_id', 'creation_time', 'last_update_time']'")
            }
            return column
        }.map { ExperimentOrder(column: $0.column, ascending: $0.ascending) }
    }
}
