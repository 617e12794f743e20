/// The `traces/search` language: MLflow's trace filter grammar over a trace's attributes
/// (`trace.status`, `trace.timestamp_ms`, `trace.execution_time_ms`, `trace.name`, `trace.text`,
/// `trace.prompt`, ...), `tags.`, `metadata.`, its spans (`span.name`, `span.type`, `span.status`,
/// `span.content`, `span.attributes.<key>`) and assessments (`feedback.<name>`,
/// `expectation.<name>`), plus Stride's `OR`, `NOT` and parentheses, and its `order_by` terms.
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
        /// Some span's text (its name, attribute keys and values, events) matches a `LIKE`
        /// pattern: `trace.text` and `span.content`.
        case spanText(FilterOperator, [String])
        /// Some span's field compares as asked.
        case span(SpanField, FilterOperator, [String])
        /// A valid assessment of the kind with this name exists (`IS NOT NULL`), none does
        /// (`IS NULL`), or one's value compares as asked.
        case assessment(AssessmentKind, String, FilterOperator, AssessmentOperand)
        /// The trace is linked to this prompt version, written `name/version` (`traces/link-prompts`).
        case prompt(String)
    }

    /// A span field `span.` filters name.
    public enum SpanField: Sendable, Hashable {
        case name
        /// The `mlflow.spanType` attribute (`LLM`, `TOOL`, ...).
        case type
        /// `OK`, `ERROR` or `UNSET`.
        case status
        /// An attribute's value: a string as itself, anything else as JSON.
        case attribute(String)
    }

    public enum AssessmentKind: String, Sendable, Hashable {
        case feedback, expectation
    }

    /// The right-hand side of an assessment comparison: text for `=`, `!=`, `LIKE`, `ILIKE`
    /// (a value compares as its JSON text, a string as itself), a number for `<`, `<=`, `>`, `>=`.
    public enum AssessmentOperand: Sendable, Hashable {
        case text(String)
        case number(Double)
        case none
    }

    /// The entity prefixes trace search takes beyond the shared ones.
    static let scopedPrefixes: Set<String> = ["span", "feedback", "expectation"]

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
        try FilterParser.parse(filter, scopedPrefixes: scopedPrefixes).map { (comparison) throws(StrideError) in try clause(comparison) }
    }

    private static func clause(_ comparison: FilterComparison) throws(StrideError) -> Clause {
        let op = comparison.op
        switch comparison.entity {
        case .attribute:
            if let scoped = try scopedClause(comparison) { return scoped }
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
            case "text": return try spanText(comparison, values)
            case "prompt": return try prompt(comparison, values)
            default:
                guard let attribute = textAttribute(comparison.key) else {
                    throw .invalidParameter(
                        "Invalid attribute key '\(comparison.key)' specified. Valid keys are 'request_id', 'timestamp_ms', 'execution_time_ms', "
                            + "'end_time_ms', 'status', 'client_request_id', 'name', 'run_id', 'text' and 'prompt'.")
                }
                return .text(attribute, op, values)
            }
        case .tag:
            return .tag(comparison.key, op, try textValues(comparison, operators: keyValueOperators))
        case .metadata:
            return .metadata(comparison.key, op, try textValues(comparison, operators: keyValueOperators))
        case .metric, .param, .dataset:
            throw .invalidParameter(
                "Invalid entity type '\(comparison.entity.rawValue)' in a trace filter. Valid values are 'trace', 'tag', 'metadata', 'span', 'feedback' and 'expectation'.")
        }
    }

    private static let spanOperators: Set<FilterOperator> = [.equal, .notEqual, .in, .notIn, .like, .iLike]
    private static let patternOperators: Set<FilterOperator> = [.like, .iLike]
    private static let assessmentTextOperators: Set<FilterOperator> = [.equal, .notEqual, .like, .iLike]
    private static let assessmentNumberOperators: Set<FilterOperator> = [.less, .lessOrEqual, .greater, .greaterOrEqual]

    /// `span.<field>`, `feedback.<name>` and `expectation.<name>`, which the parser hands over as
    /// attribute keys keeping their prefix; nil for a plain attribute.
    private static func scopedClause(_ comparison: FilterComparison) throws(StrideError) -> Clause? {
        guard let dot = comparison.key.firstIndex(of: "."), scopedPrefixes.contains(String(comparison.key[..<dot])) else { return nil }
        let prefix = String(comparison.key[..<dot])
        let field = String(comparison.key[comparison.key.index(after: dot)...])
        if prefix == "span" {
            switch field {
            case "name": return .span(.name, comparison.op, try textValues(comparison, operators: spanOperators))
            case "type": return .span(.type, comparison.op, try textValues(comparison, operators: spanOperators))
            case "status": return .span(.status, comparison.op, try textValues(comparison, operators: spanOperators))
            case "content": return try spanText(comparison, try textValues(comparison, operators: patternOperators))
            default:
                let attribute = field.hasPrefix("attributes.") ? String(field.dropFirst("attributes.".count)) : ""
                guard !attribute.isEmpty else {
                    throw .invalidParameter(
                        "Invalid span attribute '\(field)'. Supported attributes: name, status, type, content, attributes.<attribute_name>.")
                }
                return .span(.attribute(attribute), comparison.op, try textValues(comparison, operators: spanOperators))
            }
        }
        guard let kind = AssessmentKind(rawValue: prefix), !field.isEmpty else {
            throw .invalidParameter("Assessment field name cannot be empty")
        }
        switch comparison.op {
        case .isNull, .isNotNull:
            return .assessment(kind, field, comparison.op, .none)
        case let op where assessmentNumberOperators.contains(op):
            guard case .number(let number) = comparison.value else { throw comparison.invalid(expecting: "a number") }
            return .assessment(kind, field, op, .number(number))
        case let op where assessmentTextOperators.contains(op):
            switch comparison.value {
            case .string(let text): return .assessment(kind, field, op, .text(text))
            case .number(let number):
                let text = Int64(exactly: number).map(String.init) ?? String(number)
                return .assessment(kind, field, op, .text(text))
            default: throw comparison.invalid(expecting: "a quoted string")
            }
        default:
            throw comparison.invalid(expecting: "one of =, !=, <, <=, >, >=, LIKE, ILIKE, IS NULL, IS NOT NULL")
        }
    }

    private static func spanText(_ comparison: FilterComparison, _ values: [String]) throws(StrideError) -> Clause {
        guard patternOperators.contains(comparison.op) else { throw comparison.invalid(expecting: "LIKE or ILIKE") }
        return .spanText(comparison.op, values)
    }

    /// `prompt = 'name/version'`: only equality, and the value must name one version.
    private static func prompt(_ comparison: FilterComparison, _ values: [String]) throws(StrideError) -> Clause {
        guard comparison.op == .equal, let value = values.first else {
            throw .invalidParameter(
                "Invalid comparator '\(comparison.op.rawValue)' for prompts filter. Only '=' is supported with format: prompt = \"name/version\"")
        }
        guard value.filter({ $0 == "/" }).count == 1 else {
            throw .invalidParameter("Invalid prompts filter value '\(value)'. Expected format: prompt = \"name/version\"")
        }
        return .prompt(value)
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
