import StrideDomain
import StrideStore

/// Compiles a `logged-models/search` query to one statement selecting a page of model keys (plus
/// one row, to tell whether another page follows), with the SQLite store's semantics: a metric
/// comparison matches a model with any point of that key satisfying it (within the requested
/// datasets); ordering by a metric uses the model's latest point by (timestamp, step), missing
/// values last; ties fall back to newest first, then model id.
enum PostgresLoggedModelSearchSQL {
    static func statement(_ query: LoggedModelQuery) -> SQL {
        let datasets = datasetCondition(query.datasets)
        var conditions = [
            SQL("m.deleted = 0"),
            SQL("m.experiment_id = ANY(?)", query.experimentIDs.map(\.value)),
            PostgresFilterSQL.condition(query.filter) { condition(for: $0, datasets: datasets) },
        ]
        if let datasets, !query.filter.clauses.contains(where: { $0.entity == .metric }) {
            conditions.append(SQL("EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_pk = m.model_pk AND \(datasets.sql))", datasets.arguments))
        }
        var order: [SQL] = []
        for term in query.order {
            let value = orderValue(term)
            order.append(SQL("((\(value.sql)) IS NULL)", value.arguments))
            order.append(SQL("\(value.sql) \(term.ascending ? "ASC" : "DESC")", value.arguments))
        }
        let ordered = Set(query.order.compactMap { $0.metricKey == nil ? attributeColumn($0.field) : nil })
        if !ordered.contains("m.creation_time") { order.append(SQL("m.creation_time DESC")) }
        if !ordered.contains("m.model_id") { order.append(SQL("m.model_id ASC")) }
        return SQL("SELECT m.model_pk FROM logged_models m WHERE ") + SQL.joined(conditions, separator: " AND ")
            + SQL(" ORDER BY ") + SQL.joined(order, separator: ", ") + SQL(" LIMIT ? OFFSET ?", query.maxResults + 1, query.offset)
    }

    private static func datasetCondition(_ datasets: [LoggedModelFilter.Dataset]) -> SQL? {
        guard !datasets.isEmpty else { return nil }
        let parts = datasets.map { dataset in
            dataset.digest.map { SQL("(mm.dataset_name = ? AND mm.dataset_digest = ?)", dataset.name, $0) }
                ?? SQL("mm.dataset_name = ?", dataset.name)
        }
        let joined = SQL.joined(parts, separator: " OR ")
        return SQL("(\(joined.sql))", joined.arguments)
    }

    private static func condition(for clause: FilterComparison, datasets: SQL?) -> SQL {
        switch clause.entity {
        case .metric:
            guard case .number(let number) = clause.value else { return SQL("FALSE") }
            let comparison = clause.op == .notEqual ? "(mm.is_nan = 1 OR mm.value != ?)" : "mm.is_nan = 0 AND mm.value \(clause.op.rawValue) ?"
            var fragment = SQL(
                "EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_pk = m.model_pk AND mm.key = ? AND \(comparison)", clause.key, number)
            if let datasets { fragment = fragment + SQL(" AND \(datasets.sql)", datasets.arguments) }
            return fragment + SQL(")")
        case .param, .tag:
            return PostgresFilterSQL.keyValueCondition(
                table: clause.entity == .param ? "logged_model_params" : "logged_model_tags", ownerColumn: "model_pk", owner: "m.model_pk",
                key: clause.key, op: clause.op, values: clause.value.strings)
        case .attribute:
            let column = attributeColumn(clause.key)
            switch (clause.op, clause.value) {
            case (.isNull, _): return SQL("\(column) IS NULL")
            case (.isNotNull, _): return SQL("\(column) IS NOT NULL")
            case (let op, .number(let number)): return SQL("\(column) \(op.rawValue) ?", number)
            default: return PostgresFilterSQL.stringComparison(column, clause.op, clause.value.strings)
            }
        case .dataset, .metadata:
            return SQL("FALSE")
        }
    }

    private static func orderValue(_ term: LoggedModelFilter.Order) -> SQL {
        guard let key = term.metricKey else { return SQL(attributeColumn(term.field)) }
        var conditions = [SQL("mm.model_pk = m.model_pk AND mm.key = ?", key)]
        if let name = term.datasetName { conditions.append(SQL("mm.dataset_name = ?", name)) }
        if let digest = term.datasetDigest { conditions.append(SQL("mm.dataset_digest = ?", digest)) }
        let filter = SQL.joined(conditions, separator: " AND ")
        return SQL(
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
        default: return "NULL::text"
        }
    }

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
