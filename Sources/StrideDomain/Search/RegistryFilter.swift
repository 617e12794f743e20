/// A validated `registered-models/search` filter clause.
public enum RegisteredModelFilterClause: RegistryFilterClause {
    /// `name` with `=`, `!=`, `LIKE`, `ILIKE` (one value) or `IN`, `NOT IN`.
    case name(FilterOperator, [String])
    /// `tags.<key>` with `=`, `!=`, `LIKE` or `ILIKE`.
    case tag(key: String, FilterOperator, String)

    public static func parse(_ filter: String) throws(StrideError) -> RegistrySearchFilter<RegisteredModelFilterClause> {
        try parseFilter(filter)
    }

    public static func attribute(_ comparison: FilterComparison) throws(StrideError) -> RegisteredModelFilterClause {
        guard comparison.key == "name" else { throw .invalidParameter("Invalid attribute name: \(comparison.key)") }
        return .name(comparison.op, try RegistryFilterValues.names(comparison))
    }

    public var tagComparison: (key: String, op: FilterOperator, value: String)? {
        if case .tag(let key, let op, let value) = self { (key, op, value) } else { nil }
    }
}

/// A validated `model-versions/search` filter clause.
public enum ModelVersionFilterClause: RegistryFilterClause {
    /// `name` with the string operators or `IN`, `NOT IN`.
    case name(FilterOperator, [String])
    /// `run_id` with `=`, `!=`, `IN` or `NOT IN`.
    case runID(FilterOperator, [String])
    /// `source_path` with the string operators.
    case source(FilterOperator, String)
    /// `version_number`, `creation_timestamp` or `last_updated_timestamp` compared numerically.
    case number(column: NumberColumn, FilterOperator, Int64)
    case tag(key: String, FilterOperator, String)

    public enum NumberColumn: String, Sendable, Hashable {
        case versionNumber = "version_number"
        case creationTimestamp = "creation_timestamp"
        case lastUpdatedTimestamp = "last_updated_timestamp"
    }

    public static func parse(_ filter: String) throws(StrideError) -> RegistrySearchFilter<ModelVersionFilterClause> {
        try parseFilter(filter)
    }

    public static func attribute(_ comparison: FilterComparison) throws(StrideError) -> ModelVersionFilterClause {
        switch comparison.key {
        case "name":
            return .name(comparison.op, try RegistryFilterValues.names(comparison))
        case "run_id":
            switch (comparison.op, comparison.value) {
            case (.equal, .string(let id)), (.notEqual, .string(let id)): return .runID(comparison.op, [id])
            case (.in, .list(let ids)), (.notIn, .list(let ids)): return .runID(comparison.op, ids)
            default: throw comparison.invalid(expecting: "=, !=, IN or NOT IN with quoted run ids")
            }
        case "source_path":
            guard RegistryFilterValues.stringOperators.contains(comparison.op), case .string(let text) = comparison.value else {
                throw comparison.invalid(expecting: "a quoted string with =, !=, LIKE or ILIKE")
            }
            return .source(comparison.op, text)
        case "version_number", "creation_timestamp", "last_updated_timestamp":
            let numeric: Set<FilterOperator> = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
            guard numeric.contains(comparison.op), case .number(let number) = comparison.value, let integer = Int64(exactly: number),
                  let column = NumberColumn(rawValue: comparison.key)
            else {
                throw comparison.invalid(expecting: "an integer")
            }
            return .number(column: column, comparison.op, integer)
        default:
            throw .invalidParameter("Invalid attribute name: \(comparison.key)")
        }
    }

    public var tagComparison: (key: String, op: FilterOperator, value: String)? {
        if case .tag(let key, let op, let value) = self { (key, op, value) } else { nil }
    }
}

/// A clause of a registry search: an attribute comparison or a tag comparison, which may test
/// the tag that marks prompts.
public protocol RegistryFilterClause: Sendable, Hashable {
    /// Validates a comparison of an attribute (an identifier without a prefix).
    static func attribute(_ comparison: FilterComparison) throws(StrideError) -> Self
    /// `tags.<key> <op> '<value>'`.
    static func tag(key: String, _ op: FilterOperator, _ value: String) -> Self
    /// The clause's parts when it compares a tag.
    var tagComparison: (key: String, op: FilterOperator, value: String)? { get }
}

extension RegistryFilterClause {
    /// Parses a filter: attributes are checked by the clause type, tags take a string with
    /// `=`, `!=`, `LIKE` or `ILIKE`, other entities are refused.
    static func parseFilter(_ filter: String) throws(StrideError) -> RegistrySearchFilter<Self> {
        let tree = try FilterParser.parse(filter).map { (comparison) throws(StrideError) -> Self in
            switch comparison.entity {
            case .attribute: return try attribute(comparison)
            case .tag: return .tag(key: comparison.key, comparison.op, try RegistryFilterValues.tagValue(comparison))
            default:
                throw .invalidParameter("Invalid entity type '\(comparison.entity.rawValue)'. Valid values are ['tag', 'attribute']")
            }
        }
        return RegistrySearchFilter(tree)
    }

    /// The comparison when the clause tests `mlflow.prompt.is_prompt`, else nil.
    var promptTagComparison: (FilterOperator, String)? {
        guard let tag = tagComparison, tag.key == RegistryValidation.promptTagKey else { return nil }
        return (tag.op, tag.value)
    }
}

/// A registry filter and whether prompts are in scope.
///
/// MLflow stores prompts as registered models tagged `mlflow.prompt.is_prompt = 'true'`, and the
/// client adds `` tag.`mlflow.prompt.is_prompt` != 'true' `` to every model search. Models lack the
/// tag, so as a plain condition that clause would match nothing; MLflow instead drops it and leaves
/// out every prompt. Only a filter asking for prompts (`= 'true'` or `!= 'false'`) keeps the clause.
public struct RegistrySearchFilter<Clause: RegistryFilterClause>: Sendable, Hashable {
    public var tree: FilterTree<Clause>
    /// True unless the filter asks for prompts: the store then leaves out every prompt.
    public var excludesPrompts: Bool

    public init(tree: FilterTree<Clause>, excludesPrompts: Bool) {
        self.tree = tree
        self.excludesPrompts = excludesPrompts
    }

    init(_ tree: FilterTree<Clause>) {
        let asksForPrompts = tree.requiredClauses.contains { clause in
            guard let (op, value) = clause.promptTagComparison else { return false }
            return (op == .equal && value.lowercased() == "true") || (op == .notEqual && value.lowercased() == "false")
        }
        self.tree = asksForPrompts ? tree : tree.replacingClauses { $0.promptTagComparison != nil }
        excludesPrompts = !asksForPrompts
    }
}

extension FilterTree {
    /// The tree with every clause `matches` picks replaced by "always true".
    func replacingClauses(where matches: (Clause) -> Bool) -> FilterTree {
        switch self {
        case .clause(let clause): matches(clause) ? .matchAll : self
        case .all(let children): .all(children.map { $0.replacingClauses(where: matches) })
        case .any(let children): .any(children.map { $0.replacingClauses(where: matches) })
        case .not(let child): .not(child.replacingClauses(where: matches))
        }
    }
}

/// Value checks both registry searches share.
enum RegistryFilterValues {
    static let stringOperators: Set<FilterOperator> = [.equal, .notEqual, .like, .iLike]

    static func names(_ comparison: FilterComparison) throws(StrideError) -> [String] {
        switch (comparison.op, comparison.value) {
        case (let op, .string(let text)) where stringOperators.contains(op): return [text]
        case (.in, .list(let names)), (.notIn, .list(let names)): return names
        default: throw comparison.invalid(expecting: "a quoted string with =, !=, LIKE, ILIKE, or a list with IN, NOT IN")
        }
    }

    static func tagValue(_ comparison: FilterComparison) throws(StrideError) -> String {
        guard stringOperators.contains(comparison.op), case .string(let text) = comparison.value else {
            throw comparison.invalid(expecting: "a quoted string with =, !=, LIKE or ILIKE")
        }
        return text
    }

}

/// One registry `order_by` key.
public struct RegistryOrder: Sendable, Hashable {
    public enum Column: String, Sendable, Hashable {
        case name
        case version = "version_number"
        case creationTime = "creation_timestamp"
        case lastUpdatedTime = "last_updated_timestamp"
    }

    public var column: Column
    public var ascending: Bool

    public init(column: Column, ascending: Bool) {
        self.column = column
        self.ascending = ascending
    }

    /// Registered models order by `name`, `creation_timestamp` and `last_updated_timestamp`;
    /// versions also by `version_number`. `timestamp` means `last_updated_timestamp`, as in MLflow.
    public static func parse(_ clauses: [String], allowing columns: Set<Column>) throws(StrideError) -> [RegistryOrder] {
        try OrderByTerm.parseUnique(clauses) { (term) throws(StrideError) -> Column in
            let key = term.key == "timestamp" ? Column.lastUpdatedTime.rawValue : term.key
            guard term.entity == .attribute, let column = Column(rawValue: key), columns.contains(column) else {
                throw .invalidParameter(
                    "Invalid order by key '\(term.key)' specified. Valid keys are \(columns.map(\.rawValue).sorted())")
            }
            return column
        }.map { RegistryOrder(column: $0.column, ascending: $0.ascending) }
    }
}
