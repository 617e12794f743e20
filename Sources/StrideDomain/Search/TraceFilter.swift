/// The `traces/search` language: MLflow's trace filter grammar over a trace's attributes
/// (`trace.status`, `trace.timestamp_ms`, `trace.execution_time_ms`, `trace.name`, ...), `tags.`
/// and `metadata.`, plus Stride's `OR`, `NOT` and parentheses, and its `order_by` terms.
public enum TraceFilter {
    /// Millisecond attributes, each under MLflow's two spellings.
    public enum NumberAttribute: String, Sendable, Hashable {
        case timestamp, executionTime, endTime
    }

    /// Attributes held as text on the trace itself.
    public enum TextAttribute: String, Sendable, Hashable {
        case traceID, status, clientRequestID
    }

    /// One comparison, validated and resolved: `trace.name` is the `mlflow.traceName` tag and
    /// `trace.run_id` the run it was recorded in or linked to, as in MLflow.
    public enum Clause: Sendable, Hashable {
        case number(NumberAttribute, FilterOperator, Int64)
        case text(TextAttribute, FilterOperator, [String])
        case tag(String, FilterOperator, [String])
        case metadata(String, FilterOperator, [String])
        /// The run a trace was recorded in (`mlflow.sourceRun` metadata) or linked to (`traces/link-to-run`).
        case runID(FilterOperator, [String])
    }

    /// A term of `order_by`.
    public enum OrderKey: String, Sendable, Hashable {
        case timestamp, executionTime, status, traceID, name, experimentID
    }

    public struct Order: Sendable, Hashable {
        public var key: OrderKey
        public var ascending: Bool

        public init(key: OrderKey, ascending: Bool) {
            self.key = key
            self.ascending = ascending
        }
    }

    static func numberAttribute(_ key: String) -> NumberAttribute? {
        switch key {
        case "timestamp", "timestamp_ms": .timestamp
        case "execution_time", "execution_time_ms": .executionTime
        case "end_time", "end_time_ms": .endTime
        default: nil
        }
    }

    static func textAttribute(_ key: String) -> TextAttribute? {
        switch key {
        case "request_id", "trace_id": .traceID
        case "status", "state": .status
        case "client_request_id": .clientRequestID
        default: nil
        }
    }

    private static let numberOperators: Set<FilterOperator> = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
    private static let textOperators: Set<FilterOperator> = [.equal, .notEqual, .in, .notIn, .like, .iLike]
    private static let keyValueOperators: Set<FilterOperator> = [.equal, .notEqual, .like, .iLike, .in, .notIn, .isNull, .isNotNull]

    /// Parses and validates a filter string.
    public static func parse(_ filter: String) throws(StrideError) -> FilterTree<Clause> {
        try FilterParser.parse(filter).map { (comparison) throws(StrideError) in try clause(comparison) }
    }

    private static func clause(_ comparison: FilterComparison) throws(StrideError) -> Clause {
        let op = comparison.op
        switch comparison.entity {
        case .attribute:
            if let attribute = numberAttribute(comparison.key) {
                guard numberOperators.contains(op), case .number(let number) = comparison.value else {
                    throw comparison.invalid(expecting: "a number and one of =, !=, <, <=, >, >=")
                }
                guard number.rounded() == number, let milliseconds = Int64(exactly: number) else {
                    throw comparison.invalid(expecting: "an integer number of milliseconds")
                }
                return .number(attribute, op, milliseconds)
            }
            let values = try textValues(comparison, operators: textOperators)
            switch comparison.key {
            case "name": return .tag(TraceKeys.traceName, op, values)
            case "run_id": return .runID(op, values)
            default:
                guard let attribute = textAttribute(comparison.key) else {
                    throw .invalidParameter(
                        "Invalid attribute key '\(comparison.key)' specified. Valid keys are 'request_id', 'timestamp_ms', 'execution_time_ms', "
                            + "'end_time_ms', 'status', 'client_request_id', 'name' and 'run_id'.")
                }
                return .text(attribute, op, values)
            }
        case .tag:
            return .tag(comparison.key, op, try textValues(comparison, operators: keyValueOperators))
        case .metadata:
            return .metadata(comparison.key, op, try textValues(comparison, operators: keyValueOperators))
        case .metric, .param, .dataset:
            throw .invalidParameter(
                "Invalid entity type '\(comparison.entity.rawValue)' in a trace filter. Valid values are 'trace', 'tag' and 'metadata'.")
        }
    }

    private static func textValues(_ comparison: FilterComparison, operators: Set<FilterOperator>) throws(StrideError) -> [String] {
        guard operators.contains(comparison.op) else {
            throw comparison.invalid(expecting: "one of \(operators.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        switch comparison.value {
        case .string(let text): return [text]
        case .list(let items): return items
        case .none: return []
        case .number: throw comparison.invalid(expecting: "a quoted string")
        }
    }

    /// Parses `order_by` terms; without any, the newest trace comes first, as in MLflow.
    public static func parseOrder(_ clauses: [String]) throws(StrideError) -> [Order] {
        try OrderByTerm.parseUnique(clauses) { (term) throws(StrideError) -> OrderKey in
            guard term.entity == .attribute else {
                throw .invalidParameter("Invalid order_by entity type '\(term.entity.rawValue)': traces are ordered by their attributes.")
            }
            switch term.key {
            case "timestamp", "timestamp_ms": return .timestamp
            case "execution_time", "execution_time_ms": return .executionTime
            case "status", "state": return .status
            case "request_id", "trace_id": return .traceID
            case "name": return .name
            case "experiment_id": return .experimentID
            default: throw .invalidParameter("Invalid order_by attribute key '\(term.key)' specified.")
            }
        }.map { Order(key: $0.column, ascending: $0.ascending) }
    }
}
