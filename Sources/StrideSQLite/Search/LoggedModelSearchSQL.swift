import GRDB
import StrideDomain
import StrideStore

/// Compiles a `logged-models/search` query to one statement that selects a page of model keys
/// (plus one row, to tell whether another page follows).
///
/// The semantics follow MLflow's SQL store: a metric comparison matches a model with any point
/// of that key satisfying it (restricted to the requested datasets, when given); ordering by a
/// metric uses the model's latest point by (timestamp, step), missing values last; ties fall back
/// to newest first, then model id.
struct LoggedModelSearchSQL {
    var sql: String
    var arguments: [DatabaseValue]

    init(_ query: LoggedModelQuery) {
        let datasets = Self.datasetCondition(query.datasets)
        var conditions = [
            SQLFragment("m.deleted = 0"),
            SQLFragment(
                "m.experiment_id IN (\(placeholders(query.experimentIDs.count)))", query.experimentIDs.map(\.value.databaseValue)),
            FilterSQL.condition(query.filter) { Self.condition(for: $0, datasets: datasets) },
        ]
        if let datasets, !query.filter.clauses.contains(where: { $0.entity == .metric }) {
            conditions.append(SQLFragment(
                "EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_pk = m.model_pk AND \(datasets.sql))", datasets.arguments))
        }
        var order: [SQLFragment] = []
        for term in query.order {
            let value = Self.orderValue(term)
            order.append(SQLFragment("(\(value.sql)) IS NULL", value.arguments))
            order.append(SQLFragment("\(value.sql) \(term.ascending ? "ASC" : "DESC")", value.arguments))
        }
        let ordered = Set(query.order.compactMap { $0.metricKey == nil ? Self.attributeColumn($0.field) : nil })
        if !ordered.contains("m.creation_time") { order.append(SQLFragment("m.creation_time DESC")) }
        if !ordered.contains("m.model_id") { order.append(SQLFragment("m.model_id ASC")) }

        let filter = SQLFragment.joined(conditions, separator: " AND ")
        let orderBy = SQLFragment.joined(order, separator: ", ")
        sql = "SELECT m.model_pk FROM logged_models m WHERE \(filter.sql) ORDER BY \(orderBy.sql) LIMIT ? OFFSET ?"
        arguments = filter.arguments + orderBy.arguments + [(query.maxResults + 1).databaseValue, query.offset.databaseValue]
    }

    /// `(dataset_name = ? [AND dataset_digest = ?]) OR ...` over `mm`, or nil without datasets.
    private static func datasetCondition(_ datasets: [LoggedModelFilter.Dataset]) -> SQLFragment? {
        guard !datasets.isEmpty else { return nil }
        let parts = datasets.map { dataset in
            dataset.digest.map { SQLFragment("(mm.dataset_name = ? AND mm.dataset_digest = ?)", [dataset.name.databaseValue, $0.databaseValue]) }
                ?? SQLFragment("mm.dataset_name = ?", [dataset.name.databaseValue])
        }
        let joined = SQLFragment.joined(parts, separator: " OR ")
        return SQLFragment("(\(joined.sql))", joined.arguments)
    }

    private static func condition(for clause: FilterComparison, datasets: SQLFragment?) -> SQLFragment {
        switch clause.entity {
        case .metric:
            guard case .number(let number) = clause.value else { return SQLFragment("0") }
            let comparison = clause.op == .notEqual ? "(mm.is_nan = 1 OR mm.value != ?)" : "mm.is_nan = 0 AND mm.value \(clause.op.rawValue) ?"
            var fragment = SQLFragment(
                "EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_pk = m.model_pk AND mm.key = ? AND \(comparison)",
                [clause.key.databaseValue, number.databaseValue])
            if let datasets { fragment = SQLFragment(fragment.sql + " AND \(datasets.sql)", fragment.arguments + datasets.arguments) }
            return SQLFragment(fragment.sql + ")", fragment.arguments)
        case .param, .tag:
            return FilterSQL.keyValueCondition(
                table: clause.entity == .param ? "logged_model_params" : "logged_model_tags", ownerColumn: "model_pk", owner: "m.model_pk",
                key: clause.key, op: clause.op, values: clause.value.strings)
        case .attribute:
            let column = attributeColumn(clause.key)
            switch (clause.op, clause.value) {
            case (.isNull, _): return SQLFragment("\(column) IS NULL")
            case (.isNotNull, _): return SQLFragment("\(column) IS NOT NULL")
            case (let op, .number(let number)): return SQLFragment("\(column) \(op.rawValue) ?", [number.databaseValue])
            default: return FilterSQL.stringComparison(column, clause.op, clause.value.strings)
            }
        case .dataset, .metadata:
            return SQLFragment("0")
        }
    }

    /// The SQL expression for an `order_by` term.
    private static func orderValue(_ term: LoggedModelFilter.Order) -> SQLFragment {
        guard let key = term.metricKey else { return SQLFragment(attributeColumn(term.field)) }
        var conditions = [SQLFragment("mm.model_pk = m.model_pk AND mm.key = ?", [key.databaseValue])]
        if let name = term.datasetName { conditions.append(SQLFragment("mm.dataset_name = ?", [name.databaseValue])) }
        if let digest = term.datasetDigest { conditions.append(SQLFragment("mm.dataset_digest = ?", [digest.databaseValue])) }
        let filter = SQLFragment.joined(conditions, separator: " AND ")
        return SQLFragment(
            "(SELECT CASE WHEN mm.is_nan = 1 THEN NULL ELSE mm.value END FROM logged_model_metrics mm WHERE \(filter.sql) "
                + "ORDER BY mm.timestamp DESC, mm.step DESC, mm.run_id ASC LIMIT 1)",
            filter.arguments)
    }

    /// The column (or, for `status`, the expression giving its enum name) an attribute names.
    static func attributeColumn(_ key: String) -> String {
        switch LoggedModelFilter.timeAttribute(key) {
        case .creation: return "m.creation_time"
        case .lastUpdated: return "m.last_updated_time"
        case nil: break
        }
        switch key {
        case "status": return statusName
        case "name", "model_id", "model_type", "source_run_id": return "m.\(key)"
        default: return "NULL"
        }
    }

    /// `CASE m.status WHEN 0 THEN 'LOGGED_MODEL_STATUS_UNSPECIFIED' ...`: fixed text from the enum.
    private static let statusName: String = {
        let cases = [LoggedModelStatus.unspecified, .pending, .ready, .uploadFailed].map { "WHEN \($0.rawValue) THEN '\($0.name)'" }
        return "(CASE m.status \(cases.joined(separator: " ")) END)"
    }()
}

extension FilterValue {
    /// The string operands of a comparison (a list for `IN`).
    fileprivate var strings: [String] {
        switch self {
        case .string(let text): [text]
        case .list(let texts): texts
        case .number(let number): [String(number)]
        case .none: []
        }
    }
}
