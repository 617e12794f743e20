import StrideDomain
import StrideStore

/// The SQL for one `runs/search` query, planned as the SQLite store plans it (see its
/// `RunSearchPlan`): the leading order key's presence cases become segments read one after the
/// other, so within a segment the (key, value) index delivers rows in order and a page stops after
/// `limit` rows; later keys only break ties. Page tokens are keysets, valid on any instance.
///
/// NULLs sort first ascending and last descending, as SQLite orders them, so both stores answer alike.
struct PostgresRunSearchPlan {
    struct SortTerm {
        var expression: String
        var ascending: Bool
        /// Whether the expression can be NULL (then its NULLS ordering is spelled out).
        var nullable = false

        var orderClause: String {
            let direction = ascending ? "ASC" : "DESC"
            return nullable ? "\(expression) \(direction) NULLS \(ascending ? "FIRST" : "LAST")" : "\(expression) \(direction)"
        }
    }

    struct Segment {
        var joins: [SQL]
        var condition: SQL?
        var terms: [SortTerm]
        var canMatch = true
        /// The query's filter as this segment compiles it (nil: no filter).
        var filter: SQL?
    }

    private(set) var segments: [Segment] = []
    private let scope: SQL
    /// One plan per order key (``RunQuery/orderKeys``), the leading key first.
    private let keyPlans: [PostgresOrderKeyPlan]

    static let runColumns = PostgresTrackingStore.runColumns.map { "r.\($0)" }.joined(separator: ", ")
    /// The leading order key's join.
    static let leadingAlias = "o0"

    init(_ query: RunQuery) {
        let scopeParts = [
            query.experimentIDs.count == 1
                ? SQL("r.experiment_id = ?", query.experimentIDs[0].value)
                : SQL("r.experiment_id = ANY(?)", [.integers(query.experimentIDs.map(\.value))]),
            SQL("r.lifecycle_stage = ANY(?::text[])", [.texts(query.viewType.stages.map(\.rawValue))]),
        ]
        scope = SQL.joined(scopeParts, separator: " AND ")
        let filter = query.filter == .matchAll ? nil : query.filter

        let keys = query.orderKeys
        let plans = keys.enumerated().map { PostgresOrderKeyPlan($0.element, alias: $0.offset == 0 ? Self.leadingAlias : "o\($0.offset)") }
        keyPlans = plans
        let laterJoins = plans.dropFirst().compactMap(\.leftJoin)
        let laterTerms = plans.dropFirst().flatMap(\.terms)
        let required = query.filter.requiredClauses
        if let first = plans.first, !first.segments.isEmpty {
            segments = first.segments.map { segment in
                // Where the leading key is a metric the segment has joined, present and not NaN, a filter
                // on that same metric compares the joined row instead of probing latest_metrics again:
                // one join fewer to plan and one probe fewer per candidate run.
                var joinedMetric: String?
                if segment.presence == .present, case .metric(let key) = keys[0].key { joinedMetric = key }
                return Segment(
                    joins: segment.joins + laterJoins, condition: segment.condition, terms: segment.terms + laterTerms,
                    canMatch: segment.presence.map { presence in Self.filter(required, allows: presence, of: keys[0].key) } ?? true,
                    filter: filter.map { Self.condition($0, comparingJoinedMetric: joinedMetric) })
            }
        } else {
            segments = [
                Segment(
                    joins: plans.compactMap(\.leftJoin), condition: nil, terms: plans.flatMap(\.terms),
                    filter: filter.map { Self.condition($0, comparingJoinedMetric: nil) })
            ]
        }
    }

    /// The page query for one segment, starting strictly after `after` (that segment's values).
    func statement(segment index: Int, after: [SQLValue]?, limit: Int) -> SQL {
        let segment = segments[index]
        var conditions = [scope]
        if let filter = segment.filter { conditions.append(filter) }
        if let condition = segment.condition { conditions.append(condition) }
        if let after { conditions.append(Self.afterCondition(segment.terms, after)) }
        let sortColumns = segment.terms.enumerated().map { "\($0.element.expression) AS sort_\($0.offset)" }
        let joins = SQL.joined(segment.joins, separator: " ")
        let whereClause = SQL.joined(conditions, separator: " AND ")
        let order = segment.terms.map(\.orderClause).joined(separator: ", ")
        return SQL(
            "SELECT \(Self.runColumns), \(sortColumns.joined(separator: ", ")) FROM runs r \(joins.sql) WHERE \(whereClause.sql) ORDER BY \(order) LIMIT ?",
            joins.arguments + whereClause.arguments + [.integer(Int64(limit))])
    }

    /// The cursor after `row`, a row of ``statement(segment:after:limit:)`` for `segment`: the
    /// segment says the leading key's presence, the sort columns the values.
    func cursor(after row: SQLRow, segment: Int) -> RunSearchCursor {
        let first = PostgresTrackingStore.runColumns.count
        var columns = segments[segment].terms.indices.map { row[first + $0] }[...]
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

    /// Where `cursor` continues: its segment and that segment's term values; nil when it does not fit.
    func position(of cursor: RunSearchCursor) -> (segment: Int, values: [SQLValue])? {
        guard cursor.values.count == keyPlans.count, let leading = keyPlans.first else { return nil }
        var segment = 0
        var values: [SQLValue] = []
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

    /// Rows strictly after `values` in the order of `terms`; NULL values only arise inside a
    /// "missing" bucket, where every row ties on that term.
    private static func afterCondition(_ terms: [SortTerm], _ values: [SQLValue]) -> SQL {
        var disjuncts: [SQL] = []
        for (index, term) in terms.enumerated() where !values[index].isNull {
            var parts = (0..<index).map { SQL("\(terms[$0].expression) IS NOT DISTINCT FROM ?", [values[$0]]) }
            parts.append(SQL("\(term.expression) \(term.ascending ? ">" : "<") ?", [values[index]]))
            disjuncts.append(SQL.joined(parts, separator: " AND "))
        }
        guard !disjuncts.isEmpty else { return SQL("FALSE") }
        var condition = SQL("(\(SQL.joined(disjuncts, separator: " OR ").sql))", disjuncts.flatMap(\.arguments))
        // Redundant with the disjunction, but it lets PostgreSQL start the index scan at the leading term.
        if let first = terms.first, !values[0].isNull {
            condition = SQL("\(first.expression) \(first.ascending ? ">=" : "<=") ? AND \(condition.sql)", [values[0]] + condition.arguments)
        }
        return condition
    }

    /// Whether runs with `presence` of the leading order key can pass the filter's required clauses.
    private static func filter(_ required: [RunFilterClause], allows presence: PostgresOrderKeyPlan.Presence, of key: RunOrder.Key) -> Bool {
        for clause in required {
            switch (clause, key) {
            case (.metric(let filtered, let op, _), .metric(let ordered)) where filtered == ordered:
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

    /// The filter's condition; clauses on `joinedMetric` compare the leading order key's join, that
    /// metric's latest value (known not NaN), where they would otherwise probe latest_metrics themselves.
    static func condition(_ filter: FilterTree<RunFilterClause>, comparingJoinedMetric joinedMetric: String?) -> SQL {
        PostgresFilterSQL.condition(filter) { clause in
            if let joinedMetric, case .metric(let key, let op, let value) = clause, key == joinedMetric {
                // Not NaN, so `!=` (true for NaN) and the ordered comparisons (false for NaN) reduce to the value.
                return SQL("\(leadingAlias).value \(op.rawValue) ?", value)
            }
            return condition(for: clause)
        }
    }

    /// SQL for one filter clause, with its values as bound parameters.
    static func condition(for clause: RunFilterClause) -> SQL {
        switch clause {
        case .metric(let key, let op, let value):
            // NaN compares unequal to everything, as in MLflow: it satisfies `!=` and nothing else.
            let comparison = op == .notEqual ? "(m.is_nan = 1 OR m.value != ?)" : "m.is_nan = 0 AND m.value \(op.rawValue) ?"
            return SQL(
                "EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_pk = r.run_pk AND m.key_id = \(PostgresOrderKeyPlan.metricKeyID) AND \(comparison))",
                key, value)
        case .param(let key, let op, let values):
            return PostgresFilterSQL.keyValueCondition(table: "params", ownerColumn: "run_pk", owner: "r.run_pk", key: key, op: op, values: values)
        case .tag(let key, let op, let values):
            return PostgresFilterSQL.keyValueCondition(table: "run_tags", ownerColumn: "run_pk", owner: "r.run_pk", key: key, op: op, values: values)
        case .stringAttribute(let attribute, let op, let values):
            return PostgresFilterSQL.stringComparison(PostgresOrderKeyPlan.column(for: attribute), op, values)
        case .numericAttribute(let attribute, let op, let value):
            return SQL("\(PostgresOrderKeyPlan.column(for: attribute)) \(op.rawValue) ?", value)
        case .dataset(let field, let op, let values):
            var joins = SQL("")
            let column: String
            switch field {
            case .name: column = "d.name"
            case .digest: column = "d.digest"
            case .context:
                column = "t.value"
                joins = SQL("JOIN run_input_tags t ON t.run_pk = i.run_pk AND t.dataset_pk = i.dataset_pk AND t.key = ?", ReservedTag.datasetContext)
            }
            let comparison = PostgresFilterSQL.stringComparison(column, op, values)
            return SQL(
                "EXISTS (SELECT 1 FROM run_inputs i JOIN datasets d ON d.dataset_pk = i.dataset_pk \(joins.sql) WHERE i.run_pk = r.run_pk AND \(comparison.sql))",
                joins.arguments + comparison.arguments)
        }
    }
}
