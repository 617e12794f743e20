/// The `logged-models/search` language: MLflow's filter grammar over a model's attributes,
/// `params.`, `tags.` and `metrics.`, plus its `order_by` and `datasets` terms.
public enum LoggedModelFilter {
    /// Text attributes a filter or `order_by` may name (`status` compares as its enum name).
    static let textAttributes: Set<String> = ["name", "model_id", "model_type", "status", "source_run_id"]
    /// Millisecond timestamps, each under MLflow's two spellings.
    static let timeAttributes: Set<String> = ["creation_timestamp", "creation_time", "last_updated_timestamp", "last_updated_time"]

    /// The attribute a timestamp spelling stands for.
    public enum TimeAttribute: Sendable {
        case creation, lastUpdated
    }

    public static func timeAttribute(_ key: String) -> TimeAttribute? {
        switch key {
        case "creation_timestamp", "creation_time": .creation
        case "last_updated_timestamp", "last_updated_time": .lastUpdated
        default: nil
        }
    }

    /// Parses and validates a filter string: attributes, `params.`, `tags.` and `metrics.` identifiers.
    public static func parse(_ filter: String) throws(StrideError) -> FilterTree<FilterComparison> {
        let tree = try FilterParser.parse(filter)
        for clause in tree.clauses {
            switch clause.entity {
            case .attribute where timeAttributes.contains(clause.key):
                guard case .number = clause.value else { throw clause.invalid(expecting: "a number") }
            case .attribute:
                guard textAttributes.contains(clause.key) else { throw .invalidParameter("Invalid attribute key '\(clause.key)' specified.") }
                if case .number = clause.value { throw clause.invalid(expecting: "a quoted string") }
            case .metric:
                guard case .number = clause.value else { throw clause.invalid(expecting: "a number") }
            case .param, .tag:
                if case .number = clause.value { throw clause.invalid(expecting: "a quoted string") }
            case .dataset, .metadata:
                throw .invalidParameter("Invalid entity type '\(clause.entity.rawValue)' in a logged model filter.")
            }
        }
        return tree
    }

    /// Refuses more `order_by` terms or `datasets` entries than the limits allow.
    public static func checkCounts(order: [Order], datasets: [Dataset]) throws(StrideError) {
        try OrderByTerm.checkCount(order)
        guard datasets.count <= Limits.maxSearchDatasets else {
            throw .invalidParameter(
                "Invalid datasets: \(datasets.count) entries is more than \(Limits.maxSearchDatasets) (the limit of datasets in a search).")
        }
    }

    /// One `order_by` entry: an attribute, or `metrics.<key>` optionally restricted to a dataset.
    public struct Order: Sendable, Hashable {
        public var field: String
        public var ascending: Bool
        public var datasetName: String?
        public var datasetDigest: String?

        public init(field: String, ascending: Bool, datasetName: String? = nil, datasetDigest: String? = nil) throws(StrideError) {
            let isAttribute = textAttributes.contains(field) || timeAttributes.contains(field)
            guard isAttribute || (field.hasPrefix("metrics.") && field.count > "metrics.".count) else {
                throw .invalidParameter("Invalid order by field name: \(field)")
            }
            self.field = field
            self.ascending = ascending
            self.datasetName = datasetName
            self.datasetDigest = datasetDigest
        }

        /// The metric key for a `metrics.<key>` term.
        public var metricKey: String? {
            field.hasPrefix("metrics.") ? String(field.dropFirst("metrics.".count)) : nil
        }
    }

    /// A `datasets` entry: metric comparisons (or, without any, the model itself) must involve
    /// points measured on one of the listed datasets.
    public struct Dataset: Sendable, Hashable {
        public var name: String
        public var digest: String?

        public init(name: String, digest: String?) throws(StrideError) {
            guard !name.isEmpty else { throw .invalidParameter("`dataset_name` in the `datasets` clause must be specified.") }
            self.name = name
            self.digest = digest
        }
    }
}
