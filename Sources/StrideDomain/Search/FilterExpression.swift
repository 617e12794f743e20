/// The kind of thing a filter identifier names (`metrics.x`, `params.x`, `tags.x`, `x`, `dataset.x`).
public enum FilterEntity: String, Sendable, Hashable {
    case metric
    case param
    case tag
    case attribute
    case dataset
    /// A trace's request metadata (`metadata.x`, `request_metadata.x`); only trace search takes it.
    case metadata

    /// MLflow's spellings of each entity prefix.
    init?(prefix: String) {
        switch prefix.lowercased() {
        case "metric", "metrics": self = .metric
        case "param", "params", "parameter", "parameters": self = .param
        case "tag", "tags": self = .tag
        case "attribute", "attributes", "attr", "run", "trace": self = .attribute
        case "dataset", "datasets": self = .dataset
        case "metadata", "request_metadata": self = .metadata
        default: return nil
        }
    }
}

/// A comparison operator of the filter language.
public enum FilterOperator: String, Sendable, Hashable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case like = "LIKE"
    case iLike = "ILIKE"
    case `in` = "IN"
    case notIn = "NOT IN"
    case isNull = "IS NULL"
    case isNotNull = "IS NOT NULL"
}

/// The right-hand side of a comparison.
public enum FilterValue: Sendable, Hashable {
    case string(String)
    case number(Double)
    case list([String])
    case none
}

/// One `identifier operator value` clause.
public struct FilterComparison: Sendable, Hashable {
    public var entity: FilterEntity
    public var key: String
    public var op: FilterOperator
    public var value: FilterValue
    /// Where the clause starts in the filter string, for error messages.
    public var offset: Int

    public init(entity: FilterEntity, key: String, op: FilterOperator, value: FilterValue, offset: Int) {
        self.entity = entity
        self.key = key
        self.op = op
        self.value = value
        self.offset = offset
    }
}

extension FilterComparison {
    /// The error for a value or operator the identifier does not take.
    func invalid(expecting expected: String) -> StrideError {
        .invalidParameter("Invalid comparison for '\(key)' at position \(offset): '\(op.rawValue)' expects \(expected).")
    }
}
