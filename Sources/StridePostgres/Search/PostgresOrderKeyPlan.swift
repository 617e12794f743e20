import StrideDomain

/// How one order_by key becomes SQL, as in the SQLite store's plan: as a later key (a LEFT JOIN plus
/// a presence column and the value), or as the leading key (one segment per presence case).
struct PostgresOrderKeyPlan {
    enum Presence: Equatable {
        case present
        case nan
        case missing
    }

    struct SegmentPlan {
        var joins: [SQL]
        var condition: SQL?
        var terms: [PostgresRunSearchPlan.SortTerm]
        var presence: Presence?
    }

    var leftJoin: SQL?
    var terms: [PostgresRunSearchPlan.SortTerm]
    var segments: [SegmentPlan]

    /// The key id of a metric key bound as the next argument.
    static let metricKeyID = "(SELECT key_id FROM metric_keys WHERE key = ?)"

    init(_ order: RunOrder, alias a: String) {
        // Presence terms are integers, not booleans, so a page token's values bind the same way for every term.
        let value = PostgresRunSearchPlan.SortTerm(expression: "\(a).value", ascending: order.ascending, nullable: true)
        switch order.key {
        case .metric(let key):
            let on = SQL("\(a).run_pk = r.run_pk AND \(a).key_id = \(Self.metricKeyID)", key)
            let join = SQL("JOIN latest_metrics \(a) ON \(on.sql)", on.arguments)
            leftJoin = SQL("LEFT " + join.sql, join.arguments)
            terms = [
                PostgresRunSearchPlan.SortTerm(
                    expression: "(CASE WHEN \(a).run_pk IS NULL THEN 2 WHEN \(a).is_nan = 1 THEN 1 ELSE 0 END)", ascending: true),
                value,
            ]
            let present = PostgresRunSearchPlan.SortTerm(expression: "\(a).value", ascending: order.ascending)
            segments = [
                SegmentPlan(joins: [join], condition: SQL("\(a).is_nan = 0"), terms: [present], presence: .present),
                SegmentPlan(joins: [join], condition: SQL("\(a).is_nan = 1"), terms: [], presence: .nan),
                SegmentPlan(
                    joins: [],
                    condition: SQL("NOT EXISTS (SELECT 1 FROM latest_metrics x WHERE x.run_pk = r.run_pk AND x.key_id = \(Self.metricKeyID))", key),
                    terms: [], presence: .missing),
            ]
        case .param(let key), .tag(let key):
            let table = if case .param = order.key { "params" } else { "run_tags" }
            let join = SQL("JOIN \(table) \(a) ON \(a).run_pk = r.run_pk AND \(a).key = ?", key)
            leftJoin = SQL("LEFT " + join.sql, join.arguments)
            terms = [
                PostgresRunSearchPlan.SortTerm(expression: "(CASE WHEN \(a).run_pk IS NULL THEN 1 ELSE 0 END)", ascending: true), value,
            ]
            let present = PostgresRunSearchPlan.SortTerm(expression: "\(a).value", ascending: order.ascending)
            segments = [
                SegmentPlan(joins: [join], condition: nil, terms: [present], presence: .present),
                SegmentPlan(
                    joins: [], condition: SQL("NOT EXISTS (SELECT 1 FROM \(table) x WHERE x.run_pk = r.run_pk AND x.key = ?)", key),
                    terms: [], presence: .missing),
            ]
        case .attribute(let attribute):
            leftJoin = nil
            let column = Self.column(for: attribute)
            let nullable = attribute == .endTime || attribute == .startTime
            let value = PostgresRunSearchPlan.SortTerm(expression: column, ascending: order.ascending, nullable: nullable)
            if attribute == .endTime {
                // A running run has no end time yet.
                terms = [PostgresRunSearchPlan.SortTerm(expression: "(CASE WHEN \(column) IS NULL THEN 1 ELSE 0 END)", ascending: true), value]
                segments = [
                    SegmentPlan(joins: [], condition: SQL("\(column) IS NOT NULL"), terms: [value], presence: .present),
                    SegmentPlan(joins: [], condition: SQL("\(column) IS NULL"), terms: [], presence: .missing),
                ]
            } else {
                terms = [value]
                segments = []
            }
        }
    }

    /// The SQL expression for an attribute; status is stored as its number and compared by name.
    static func column(for attribute: RunAttribute) -> String {
        switch attribute {
        case .runID: "r.run_uuid"
        case .runName: "r.name"
        case .status:
            "(CASE r.status " + RunStatus.allCases.map { "WHEN \($0.number) THEN '\($0.rawValue)'" }.joined(separator: " ") + " END)"
        case .userID: "r.user_id"
        case .artifactURI: "r.artifact_uri"
        case .startTime: "r.start_time"
        case .endTime: "r.end_time"
        }
    }
}
