import GRDB
import StrideDomain
import StrideStore

/// The SQL for one `runs/search` query: which runs match, in which order, from which cursor.
///
/// Runs are ordered by the order_by keys, then `start_time DESC` (unless ordered by it), then run
/// id, as in MLflow. A run lacking a key (or holding a NaN metric) sorts after the runs that have
/// it in either direction; MLflow expresses that as a CASE column ahead of each key, which stops
/// SQLite from reading any index in order and makes every page sort every match. Here the first
/// key's cases become *segments* read one after the other: inside a segment the key is present
/// (or absent) in every row, so the (key, value) index delivers rows already in order and a page
/// stops after `limit` rows. Later keys keep the CASE column; they only break ties.
struct RunSearchPlan {
    struct SortTerm {
        var expression: String
        var ascending: Bool
    }

    /// One slice of the ordering: its extra joins and condition, and the terms that order it.
    struct Segment {
        var joins: [SQLFragment]
        var condition: SQLFragment?
        var terms: [SortTerm]
        /// False when the filter rules the slice out (ordered by a metric the filter compares).
        var canMatch = true
    }

    private(set) var segments: [Segment] = []
    private let scope: SQLFragment
    /// One plan per order key (``RunQuery/orderKeys``), the leading key first.
    private let keyPlans: [OrderKeyPlan]

    static let runColumns = SQLiteTrackingStore.runColumns.map { "r.\($0)" }.joined(separator: ", ")

    init(_ query: RunQuery) {
        var scopeParts = [
            query.experimentIDs.count == 1
                ? SQLFragment("r.experiment_id = ?", [query.experimentIDs[0].value.databaseValue])
                : SQLFragment("r.experiment_id IN (\(placeholders(query.experimentIDs.count)))", query.experimentIDs.map(\.value.databaseValue)),
            SQLFragment("r.lifecycle_stage IN (\(placeholders(query.viewType.stages.count)))", query.viewType.stages.map(\.rawValue.databaseValue)),
        ]
        if query.filter != .matchAll {
            scopeParts.append(FilterSQL.condition(query.filter, clause: Self.condition(for:)))
        }
        scope = SQLFragment.joined(scopeParts, separator: " AND ")

        let keys = query.orderKeys
        let plans = keys.enumerated().map { OrderKeyPlan($0.element, alias: "o\($0.offset)") }
        keyPlans = plans
        let laterJoins = plans.dropFirst().compactMap(\.leftJoin)
        let laterTerms = plans.dropFirst().flatMap(\.terms)
        let required = query.filter.requiredClauses
        if let first = plans.first, !first.segments.isEmpty {
            segments = first.segments.map { segment in
                Segment(
                    joins: segment.joins + laterJoins, condition: segment.condition, terms: segment.terms + laterTerms,
                    canMatch: segment.presence.map { presence in Self.filter(required, allows: presence, of: keys[0].key) } ?? true)
            }
        } else {
            segments = [Segment(joins: plans.compactMap(\.leftJoin), condition: nil, terms: plans.flatMap(\.terms))]
        }
    }

    /// The page query for one segment, starting strictly after `after` (that segment's values).
    func statement(segment index: Int, after: [DatabaseValue]?, limit: Int) -> SQLFragment {
        let segment = segments[index]
        var conditions = [scope]
        if let condition = segment.condition { conditions.append(condition) }
        if let after { conditions.append(Self.afterCondition(segment.terms, after)) }
        let sortColumns = segment.terms.enumerated().map { "\($0.element.expression) AS sort_\($0.offset)" }
        let joins = SQLFragment.joined(segment.joins, separator: " ")
        let whereClause = SQLFragment.joined(conditions, separator: " AND ")
        let order = segment.terms.map { "\($0.expression) \($0.ascending ? "ASC" : "DESC")" }.joined(separator: ", ")
        return SQLFragment(
            "SELECT \(Self.runColumns), \(sortColumns.joined(separator: ", ")) FROM runs r \(joins.sql) WHERE \(whereClause.sql) ORDER BY \(order) LIMIT ?",
            joins.arguments + whereClause.arguments + [limit.databaseValue])
    }

    /// The cursor after `row`, a row of ``statement(segment:after:limit:)`` for `segment`: the
    /// segment says the leading key's presence, the sort columns the values.
    func cursor(after row: Row, segment: Int) -> RunSearchCursor {
        var columns = segments[segment].terms.indices.map { row["sort_\($0)"] as DatabaseValue }[...]
        var values: [RunSortValue] = []
        var later = keyPlans[...]
        if let leading = keyPlans.first, !leading.segments.isEmpty, let presence = leading.segments[segment].presence {
            values.append(leading.leadingValue(presence: presence, columns: &columns))
            later = later.dropFirst()
        }
        for plan in later {
            values.append(plan.value(from: columns.prefix(plan.terms.count)))
            columns = columns.dropFirst(plan.terms.count)
        }
        return RunSearchCursor(values: values)
    }

    /// Where `cursor` continues: its segment and that segment's term values; nil when the cursor
    /// does not fit this query (``RunQuery/accepts(_:)`` checks that first).
    func position(of cursor: RunSearchCursor) -> (segment: Int, values: [DatabaseValue])? {
        guard cursor.values.count == keyPlans.count, let leading = keyPlans.first else { return nil }
        var segment = 0
        var values: [DatabaseValue] = []
        var later = Array(zip(keyPlans, cursor.values))[...]
        if !leading.segments.isEmpty {
            guard let (index, leadingValues) = leading.leadingPosition(of: cursor.values[0]) else { return nil }
            segment = index
            values = leadingValues
            later = later.dropFirst()
        }
        for (plan, value) in later {
            guard let termValues = plan.termValues(of: value) else { return nil }
            values += termValues
        }
        return (segment, values)
    }

    /// Rows strictly after `values` in the order of `terms`: the first term beyond its value, or
    /// equal to it and the next term beyond, and so on. NULL values only arise inside a
    /// "missing" bucket, where every row ties on that term.
    private static func afterCondition(_ terms: [SortTerm], _ values: [DatabaseValue]) -> SQLFragment {
        var disjuncts: [SQLFragment] = []
        for (index, term) in terms.enumerated() where !values[index].isNull {
            var parts = (0..<index).map { SQLFragment("\(terms[$0].expression) IS ?", [values[$0]]) }
            parts.append(SQLFragment("\(term.expression) \(term.ascending ? ">" : "<") ?", [values[index]]))
            disjuncts.append(SQLFragment.joined(parts, separator: " AND "))
        }
        guard !disjuncts.isEmpty else { return SQLFragment("0") }
        var condition = SQLFragment("(\(SQLFragment.joined(disjuncts, separator: " OR ").sql))", disjuncts.flatMap(\.arguments))
        // Redundant with the disjunction, but it lets SQLite seek into the index on the leading term.
        if let first = terms.first, !values[0].isNull {
            condition = SQLFragment(
                "\(first.expression) \(first.ascending ? ">=" : "<=") ? AND \(condition.sql)", [values[0]] + condition.arguments)
        }
        return condition
    }

    /// Whether runs with `presence` of the leading order key can pass the filter's required clauses.
    private static func filter(_ required: [RunFilterClause], allows presence: OrderKeyPlan.Presence, of key: RunOrder.Key) -> Bool {
        for clause in required {
            switch (clause, key) {
            case (.metric(let filtered, let op, _), .metric(let ordered)) where filtered == ordered:
                // A metric comparison never matches a missing value, nor a NaN one but with `!=`.
                if presence == .missing || presence == .nan && op != .notEqual { return false }
            case (.param(let filtered, let op, _), .param(let ordered)) where filtered == ordered,
                 (.tag(let filtered, let op, _), .tag(let ordered)) where filtered == ordered:
                if op == .isNull ? presence == .present : presence == .missing { return false }
            case (.numericAttribute(.endTime, _, _), .attribute(.endTime)):
                if presence == .missing { return false }
            default:
                continue
            }
        }
        return true
    }

    /// SQL for one filter clause, with its values as bound parameters.
    static func condition(for clause: RunFilterClause) -> SQLFragment {
        switch clause {
        case .metric(let key, let op, let value):
            // NaN compares unequal to everything, as in MLflow: it satisfies `!=` and nothing else.
            let comparison = op == .notEqual ? "(m.is_nan = 1 OR m.value != ?)" : "m.is_nan = 0 AND m.value \(op.rawValue) ?"
            return SQLFragment(
                "EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_pk = r.run_pk AND m.key_id = \(OrderKeyPlan.metricKeyID) AND \(comparison))",
                [key.databaseValue, value.databaseValue])
        case .param(let key, let op, let values):
            return FilterSQL.keyValueCondition(table: "params", ownerColumn: "run_pk", owner: "r.run_pk", key: key, op: op, values: values)
        case .tag(let key, let op, let values):
            return FilterSQL.keyValueCondition(table: "run_tags", ownerColumn: "run_pk", owner: "r.run_pk", key: key, op: op, values: values)
        case .stringAttribute(let attribute, let op, let values):
            return FilterSQL.stringComparison(OrderKeyPlan.column(for: attribute), op, values)
        case .numericAttribute(let attribute, let op, let value):
            return SQLFragment("\(OrderKeyPlan.column(for: attribute)) \(op.rawValue) ?", [value.databaseValue])
        case .dataset(let field, let op, let values):
            var joins = SQLFragment("")
            let column: String
            switch field {
            case .name: column = "d.name"
            case .digest: column = "d.digest"
            case .context:
                column = "t.value"
                joins = SQLFragment(
                    "JOIN run_input_tags t ON t.run_pk = i.run_pk AND t.dataset_pk = i.dataset_pk AND t.key = ?",
                    [ReservedTag.datasetContext.databaseValue])
            }
            let comparison = FilterSQL.stringComparison(column, op, values)
            return SQLFragment(
                "EXISTS (SELECT 1 FROM run_inputs i JOIN datasets d ON d.dataset_pk = i.dataset_pk \(joins.sql) WHERE i.run_pk = r.run_pk AND \(comparison.sql))",
                joins.arguments + comparison.arguments)
        }
    }
}
