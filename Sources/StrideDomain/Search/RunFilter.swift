/// A validated `runs/search` filter clause.
public enum RunFilterClause: Sendable, Hashable {
    /// The latest value of a metric compared with a number; runs without the metric never match.
    case metric(key: String, FilterOperator, Double)
    /// A param compared with one string (`= != LIKE ILIKE`), with a list (`IN`, `NOT IN`, a
    /// Stride extension) or tested for presence (`IS [NOT] NULL`, no values). Runs lacking the
    /// param match only `IS NULL`.
    case param(key: String, FilterOperator, [String])
    /// A tag, with the same operators and values as a param.
    case tag(key: String, FilterOperator, [String])
    /// A string attribute of the run; `IN`/`NOT IN` only for `run_id`.
    case stringAttribute(RunAttribute, FilterOperator, [String])
    /// `start_time` or `end_time` compared with a number, as MLflow compares them: the integer
    /// milliseconds against the literal as written (`start_time > 1e30` holds for no run, and
    /// `> 1.5` is `>= 2`), never through a conversion that could overflow.
    case numericAttribute(RunAttribute, FilterOperator, Double)
    /// A dataset input's `name`, `digest` or `context`.
    case dataset(DatasetField, FilterOperator, [String])

    public enum DatasetField: String, Sendable, Hashable {
        case name
        case digest
        case context
    }

    /// Parses and checks a filter against what run search supports, with MLflow's rules.
    public static func parse(_ filter: String) throws(StrideError) -> FilterTree<RunFilterClause> {
        try FilterParser.parse(filter).map { (comparison) throws(StrideError) in try clause(comparison) }
    }

    private static let stringOperators: Set<FilterOperator> = [.equal, .notEqual, .like, .iLike]
    private static let numericOperators: Set<FilterOperator> = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]

    private static func clause(_ comparison: FilterComparison) throws(StrideError) -> RunFilterClause {
        let op = comparison.op
        switch comparison.entity {
        case .metadata:
            throw .invalidParameter(
                "Invalid entity type 'metadata'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset'] (at position \(comparison.offset)).")
        case .metric:
            guard numericOperators.contains(op) else { throw invalidComparator(comparison, "metric") }
            guard case .number(let number) = comparison.value else {
                throw .invalidParameter("Expected numeric value type for metric. Found \(describe(comparison.value)) (position \(comparison.offset)).")
            }
            return .metric(key: comparison.key, op, number)
        case .param, .tag:
            let kind = comparison.entity == .param ? "parameter" : "tag"
            let values: [String]
            switch (op, comparison.value) {
            case (.isNull, _), (.isNotNull, _): values = []
            case (.in, .list(let items)), (.notIn, .list(let items)): values = items
            case (_, .string(let text)) where stringOperators.contains(op): values = [text]
            case (_, .number) where stringOperators.contains(op):
                throw .invalidParameter("Expected a quoted string value for \(kind) '\(comparison.key)' (position \(comparison.offset)).")
            default: throw invalidComparator(comparison, kind)
            }
            return comparison.entity == .param ? .param(key: comparison.key, op, values) : .tag(key: comparison.key, op, values)
        case .attribute:
            guard let attribute = RunAttribute(searchKey: comparison.key) else {
                throw .invalidParameter(
                    "Invalid attribute key '\(comparison.key)' specified. Valid keys are '\(RunAttribute.searchKeyList)' (position \(comparison.offset)).")
            }
            if attribute.isNumeric {
                guard numericOperators.contains(op) else { throw invalidComparator(comparison, "numeric attribute") }
                guard case .number(let number) = comparison.value else {
                    throw .invalidParameter(
                        "Expected numeric value type for numeric attribute: \(attribute.rawValue). Found \(describe(comparison.value)) (position \(comparison.offset)).")
                }
                return .numericAttribute(attribute, op, number)
            }
            switch (op, comparison.value) {
            case (.in, .list(let items)), (.notIn, .list(let items)):
                guard attribute == .runID else { throw invalidComparator(comparison, "string attribute") }
                return .stringAttribute(attribute, op, items)
            case (_, .string(let text)) where stringOperators.contains(op):
                return .stringAttribute(attribute, op, [text])
            case (_, .number) where stringOperators.contains(op):
                throw .invalidParameter(
                    "Expected a quoted string value for attribute '\(attribute.rawValue)' (position \(comparison.offset)).")
            default:
                throw invalidComparator(comparison, "string attribute")
            }
        case .dataset:
            guard let field = DatasetField(rawValue: comparison.key) else {
                throw .invalidParameter(
                    "Invalid dataset key '\(comparison.key)' specified. Valid keys are 'name', 'digest' and 'context' (position \(comparison.offset)).")
            }
            switch (op, comparison.value) {
            case (.in, .list(let items)), (.notIn, .list(let items)): return .dataset(field, op, items)
            case (_, .string(let text)) where stringOperators.contains(op): return .dataset(field, op, [text])
            default: throw invalidComparator(comparison, "dataset")
            }
        }
    }

    private static func invalidComparator(_ comparison: FilterComparison, _ kind: String) -> StrideError {
        .invalidParameter(
            "Invalid comparator '\(comparison.op.rawValue)' not one of the comparators allowed for \(kind) '\(comparison.key)' (position \(comparison.offset)).")
    }

    private static func describe(_ value: FilterValue) -> String {
        switch value {
        case .string(let text): "'\(text)'"
        case .number(let number): String(number)
        case .list(let items): "(\(items.map { "'\($0)'" }.joined(separator: ", ")))"
        case .none: "NULL"
        }
    }
}

/// The run attributes search can filter and order by.
public enum RunAttribute: String, Sendable, Hashable, CaseIterable {
    case runID = "run_id"
    case runName = "run_name"
    case status
    case userID = "user_id"
    case artifactURI = "artifact_uri"
    case startTime = "start_time"
    case endTime = "end_time"

    public var isNumeric: Bool { self == .startTime || self == .endTime }

    /// Parses MLflow's attribute names and aliases (`created` for start time, `Run name` and friends).
    public init?(searchKey: String) {
        switch searchKey {
        case "run_id", "run_uuid": self = .runID
        case "run_name", "run name", "Run name", "Run Name": self = .runName
        case "status": self = .status
        case "user_id": self = .userID
        case "artifact_uri": self = .artifactURI
        case "start_time", "created", "Created": self = .startTime
        case "end_time": self = .endTime
        default: return nil
        }
    }

    static let searchKeyList = "['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'start_time', 'end_time', 'created']"
}

/// One `runs/search` ordering key.
public struct RunOrder: Sendable, Hashable {
    public enum Key: Sendable, Hashable {
        case metric(String)
        case param(String)
        case tag(String)
        case attribute(RunAttribute)
    }

    public var key: Key
    public var ascending: Bool

    public init(key: Key, ascending: Bool) {
        self.key = key
        self.ascending = ascending
    }

    /// Parses `"<identifier> [ASC|DESC]"` with the filter language's identifier rules.
    public static func parse(_ clauses: [String]) throws(StrideError) -> [RunOrder] {
        try OrderByTerm.checkCount(clauses)
        var orders: [RunOrder] = []
        for clause in clauses {
            let term = try OrderByTerm.parse(clause)
            let key: Key
            switch term.entity {
            case .metric: key = .metric(term.key)
            case .param: key = .param(term.key)
            case .tag: key = .tag(term.key)
            case .attribute:
                guard let attribute = RunAttribute(searchKey: term.key) else {
                    throw .invalidParameter(
                        "Invalid order_by attribute key '\(term.key)' specified. Valid keys are \(RunAttribute.searchKeyList)")
                }
                key = .attribute(attribute)
            case .dataset, .metadata:
                throw .invalidParameter("Invalid order_by clause '\(clause)': \(term.entity.rawValue) cannot be ordered by.")
            }
            if orders.contains(where: { $0.key == key }) {
                throw .invalidParameter("`order_by` contains duplicate fields: \(clauses)")
            }
            orders.append(RunOrder(key: key, ascending: term.ascending))
        }
        return orders
    }
}
