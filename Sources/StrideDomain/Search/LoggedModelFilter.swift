/// `logged-models/search` filters and ordering, evaluated on loaded models.
///
/// Logged models are few per experiment next to runs, so the service filters and orders the
/// experiments' models in memory with the shared filter language (`FilterParser`).
public enum LoggedModelFilter {
    /// The attributes a filter or `order_by` may name.
    static let attributes: Set<String> = [
        "name", "model_id", "model_type", "status", "source_run_id", "creation_timestamp", "creation_time",
        "last_updated_timestamp", "last_updated_time",
    ]

    /// Parses and validates a filter string: attributes, `params.`, `tags.` and `metrics.` identifiers.
    public static func parse(_ filter: String) throws(StrideError) -> FilterTree<FilterComparison> {
        let tree = try FilterParser.parse(filter)
        for clause in tree.clauses {
            switch clause.entity {
            case .attribute:
                guard attributes.contains(clause.key) else { throw .invalidParameter("Invalid attribute key '\(clause.key)' specified.") }
            case .metric:
                guard case .number = clause.value else { throw clause.invalid(expecting: "a number") }
            case .param, .tag:
                guard case .string = clause.value else { throw clause.invalid(expecting: "a quoted string") }
            case .dataset:
                throw .invalidParameter("Invalid entity type 'dataset' in a logged model filter.")
            }
        }
        return tree
    }

    /// Whether `model` satisfies `tree`; `metrics` are the model's latest metric values by key.
    public static func matches(_ tree: FilterTree<FilterComparison>, _ model: LoggedModel, metrics: [String: Double] = [:]) -> Bool {
        switch tree {
        case .clause(let clause): matches(clause, model, metrics: metrics)
        case .all(let children): children.allSatisfy { matches($0, model, metrics: metrics) }
        case .any(let children): children.contains { matches($0, model, metrics: metrics) }
        case .not(let child): !matches(child, model, metrics: metrics)
        }
    }

    private static func matches(_ clause: FilterComparison, _ model: LoggedModel, metrics: [String: Double]) -> Bool {
        switch clause.entity {
        case .metric:
            guard let value = metrics[clause.key], case .number(let wanted) = clause.value else { return false }
            return compare(value, clause.op, wanted)
        case .param:
            return compare(model.params.last { $0.key == clause.key }?.value, clause)
        case .tag:
            return compare(model.tags.last { $0.key == clause.key }?.value, clause)
        case .attribute:
            switch clause.key {
            case "creation_timestamp", "creation_time":
                return compareNumber(Double(model.creationTime), clause)
            case "last_updated_timestamp", "last_updated_time":
                return compareNumber(Double(model.lastUpdatedTime), clause)
            default:
                return compare(attribute(clause.key, of: model), clause)
            }
        case .dataset:
            return false
        }
    }

    /// A string attribute's value (`status` as its enum name).
    static func attribute(_ key: String, of model: LoggedModel) -> String? {
        switch key {
        case "name": model.name
        case "model_id": model.id
        case "model_type": model.modelType
        case "status": model.status.name
        case "source_run_id": model.sourceRunID
        default: nil
        }
    }

    private static func compareNumber(_ value: Double, _ clause: FilterComparison) -> Bool {
        guard case .number(let wanted) = clause.value else { return false }
        return compare(value, clause.op, wanted)
    }

    private static func compare(_ value: Double, _ op: FilterOperator, _ wanted: Double) -> Bool {
        switch op {
        case .equal: value == wanted
        case .notEqual: value != wanted
        case .less: value < wanted
        case .lessOrEqual: value <= wanted
        case .greater: value > wanted
        case .greaterOrEqual: value >= wanted
        default: false
        }
    }

    private static func compare(_ value: String?, _ clause: FilterComparison) -> Bool {
        switch (clause.op, clause.value) {
        case (.isNull, _): return value == nil
        case (.isNotNull, _): return value != nil
        case (.in, .list(let list)): return value.map(list.contains) ?? false
        case (.notIn, .list(let list)): return value.map { !list.contains($0) } ?? false
        default: break
        }
        guard let value, case .string(let wanted) = clause.value else { return false }
        switch clause.op {
        case .equal: return value == wanted
        case .notEqual: return value != wanted
        case .like: return likeMatches(Array(value), Array(wanted))
        case .iLike: return likeMatches(Array(value.lowercased()), Array(wanted.lowercased()))
        case .less: return value < wanted
        case .lessOrEqual: return value <= wanted
        case .greater: return value > wanted
        case .greaterOrEqual: return value >= wanted
        default: return false
        }
    }

    /// SQL `LIKE`: `%` is any run of characters, `_` any one character.
    static func likeMatches(_ text: [Character], _ pattern: [Character]) -> Bool {
        var textIndex = 0, patternIndex = 0
        var starPattern = -1, starText = 0
        while textIndex < text.count {
            if patternIndex < pattern.count, pattern[patternIndex] == "_" || pattern[patternIndex] == text[textIndex] {
                textIndex += 1
                patternIndex += 1
            } else if patternIndex < pattern.count, pattern[patternIndex] == "%" {
                starPattern = patternIndex
                starText = textIndex
                patternIndex += 1
            } else if starPattern >= 0 {
                patternIndex = starPattern + 1
                starText += 1
                textIndex = starText
            } else {
                return false
            }
        }
        while patternIndex < pattern.count, pattern[patternIndex] == "%" { patternIndex += 1 }
        return patternIndex == pattern.count
    }

    /// One `order_by` entry of `logged-models/search`.
    public struct Order: Sendable, Hashable {
        public var field: String
        public var ascending: Bool

        public init(field: String, ascending: Bool) throws(StrideError) {
            guard attributes.contains(field) || field.hasPrefix("metrics.") else {
                throw .invalidParameter("Invalid order by field name: \(field)")
            }
            self.field = field
            self.ascending = ascending
        }
    }

    /// Sorts by the given keys, then MLflow's default: newest first, then model id.
    public static func sorted(_ models: [LoggedModel], by order: [Order], metrics: [String: [String: Double]] = [:]) -> [LoggedModel] {
        models.sorted { lhs, rhs in
            for term in order {
                let result = compare(lhs, rhs, field: term.field, metrics: metrics)
                if result != 0 { return term.ascending ? result < 0 : result > 0 }
            }
            if lhs.creationTime != rhs.creationTime { return lhs.creationTime > rhs.creationTime }
            return lhs.id < rhs.id
        }
    }

    /// -1, 0 or 1; a missing value sorts last in either direction's ascending form.
    private static func compare(_ lhs: LoggedModel, _ rhs: LoggedModel, field: String, metrics: [String: [String: Double]]) -> Int {
        switch field {
        case "creation_timestamp", "creation_time":
            return lhs.creationTime == rhs.creationTime ? 0 : (lhs.creationTime < rhs.creationTime ? -1 : 1)
        case "last_updated_timestamp", "last_updated_time":
            return lhs.lastUpdatedTime == rhs.lastUpdatedTime ? 0 : (lhs.lastUpdatedTime < rhs.lastUpdatedTime ? -1 : 1)
        default:
            if field.hasPrefix("metrics.") {
                let key = String(field.dropFirst("metrics.".count))
                return compareOptional(metrics[lhs.id]?[key], metrics[rhs.id]?[key])
            }
            return compareOptional(attribute(field, of: lhs), attribute(field, of: rhs))
        }
    }

    private static func compareOptional<T: Comparable>(_ lhs: T?, _ rhs: T?) -> Int {
        switch (lhs, rhs) {
        case (nil, nil): 0
        case (nil, _): 1
        case (_, nil): -1
        case (let l?, let r?): l == r ? 0 : (l < r ? -1 : 1)
        }
    }
}
