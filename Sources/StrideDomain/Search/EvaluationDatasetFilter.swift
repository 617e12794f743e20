/// The filter and order of `datasets/search` (MLflow's `SearchEvaluationDatasetsUtils`): the
/// attributes `name`, `created_by`, `last_updated_by` (strings), `created_time`,
/// `last_update_time` (integers) and `tags.<key>`.
public enum EvaluationDatasetFilter {
    /// A validated clause.
    public enum Clause: Sendable, Hashable {
        /// A string attribute with `=`, `!=`, `LIKE`, `ILIKE` (and `IN`/`NOT IN` for `name`).
        case text(TextColumn, FilterOperator, [String])
        /// A time attribute compared with an integer.
        case time(TimeColumn, FilterOperator, Int64)
        /// `tags.<key>` with `=`, `!=`, `LIKE` or `ILIKE`.
        case tag(key: String, FilterOperator, String)
    }

    public enum TextColumn: String, Sendable, Hashable, CaseIterable {
        case name
        case createdBy = "created_by"
        case lastUpdatedBy = "last_updated_by"
    }

    public enum TimeColumn: String, Sendable, Hashable, CaseIterable {
        case createdTime = "created_time"
        case lastUpdateTime = "last_update_time"
    }

    /// One ordering key; searches end with the dataset id descending, as MLflow's tie-breaker.
    public struct Order: Sendable, Hashable {
        public enum Column: String, Sendable, Hashable {
            case name
            case createdTime = "created_time"
            case lastUpdateTime = "last_update_time"
        }

        public var column: Column
        public var ascending: Bool

        public init(column: Column, ascending: Bool) {
            self.column = column
            self.ascending = ascending
        }
    }

    /// MLflow's default order: newest first.
    public static let defaultOrder = [Order(column: .createdTime, ascending: false)]

    public static func parse(_ filter: String) throws(StrideError) -> FilterTree<Clause> {
        try FilterParser.parse(filter).map { (comparison) throws(StrideError) in try clause(comparison) }
    }

    /// Parses `"<attribute> [ASC|DESC]"` terms; none means ``defaultOrder``.
    public static func parseOrder(_ clauses: [String]) throws(StrideError) -> [Order] {
        let orders = try OrderByTerm.parseUnique(clauses) { (term) throws(StrideError) -> Order.Column in
            guard term.entity == .attribute, let column = Order.Column(rawValue: term.key) else {
                throw .invalidParameter(
                    "Invalid attribute key '\(term.key)' specified. Valid keys are: {'name', 'created_time', 'last_update_time'}")
            }
            return column
        }.map { Order(column: $0.column, ascending: $0.ascending) }
        return orders.isEmpty ? defaultOrder : orders
    }

    private static let stringOperators: Set<FilterOperator> = [.equal, .notEqual, .like, .iLike]
    private static let numericOperators: Set<FilterOperator> = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]

    private static func clause(_ comparison: FilterComparison) throws(StrideError) -> Clause {
        switch comparison.entity {
        case .attribute:
            if let column = TextColumn(rawValue: comparison.key) {
                switch (comparison.op, comparison.value) {
                case (let op, .string(let text)) where stringOperators.contains(op):
                    return .text(column, op, [text])
                case (.in, .list(let names)) where column == .name, (.notIn, .list(let names)) where column == .name:
                    return .text(column, comparison.op, names)
                default:
                    throw .invalidParameter("Invalid comparator for string attribute: \(comparison.op.rawValue)")
                }
            }
            if let column = TimeColumn(rawValue: comparison.key) {
                guard numericOperators.contains(comparison.op) else {
                    throw .invalidParameter("Invalid comparator for numeric attribute: \(comparison.op.rawValue)")
                }
                let number: Double? = switch comparison.value {
                case .number(let number): number
                case .string(let text): Double(text)
                default: nil
                }
                guard let number, number.rounded() == number, let value = Int64(exactly: number) else {
                    throw .invalidParameter("Invalid value for numeric attribute '\(comparison.key)' at position \(comparison.offset).")
                }
                return .time(column, comparison.op, value)
            }
            throw .invalidParameter(
                "Invalid attribute key '\(comparison.key)' specified. Valid keys are: {'name', 'created_time', 'last_update_time', 'created_by', 'last_updated_by'}")
        case .tag:
            guard stringOperators.contains(comparison.op), case .string(let text) = comparison.value else {
                throw .invalidParameter("Invalid comparator for tag: \(comparison.op.rawValue)")
            }
            return .tag(key: comparison.key, comparison.op, text)
        default:
            throw .invalidParameter("Invalid identifier token '\(comparison.entity.rawValue)' specified")
        }
    }
}
