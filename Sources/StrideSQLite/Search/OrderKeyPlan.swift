import GRDB
import StrideDomain

/// How one order_by key becomes SQL: as a later key (a LEFT JOIN plus a presence CASE column and
/// the value), or as the leading key (one segment per presence case, see ``RunSearchPlan``).
struct OrderKeyPlan {
    /// Which runs a leading-key segment holds.
    enum Presence: Equatable {
        case present
        case nan
        case missing
    }

    struct SegmentPlan {
        var joins: [SQLFragment]
        var condition: SQLFragment?
        var terms: [RunSearchPlan.SortTerm]
        /// Nil for a key every run has (most attributes): one segment, never ruled out.
        var presence: Presence?
    }

    /// The join a later key needs; nil for run attributes.
    var leftJoin: SQLFragment?
    /// The terms a later key orders by: its presence case (if it can be missing) and its value.
    var terms: [RunSearchPlan.SortTerm]
    /// The leading-key segments, in order; empty when the key is never missing.
    var segments: [SegmentPlan]

    /// The key id of a metric key bound as the next argument.
    static let metricKeyID = "(SELECT key_id FROM metric_keys WHERE key = ?)"

    init(_ order: RunOrder, alias a: String) {
        let value = RunSearchPlan.SortTerm(expression: "\(a).value", ascending: order.ascending)
        switch order.key {
        case .metric(let key):
            let on = SQLFragment("\(a).run_pk = r.run_pk AND \(a).key_id = \(Self.metricKeyID)", [key.databaseValue])
            let join = SQLFragment("JOIN latest_metrics \(a) ON \(on.sql)", on.arguments)
            leftJoin = SQLFragment("LEFT " + join.sql, join.arguments)
            terms = [
                RunSearchPlan.SortTerm(
                    expression: "CASE WHEN \(a).run_pk IS NULL THEN 2 WHEN \(a).is_nan = 1 THEN 1 ELSE 0 END", ascending: true),
                value,
            ]
            segments = [
                SegmentPlan(joins: [join], condition: SQLFragment("\(a).is_nan = 0"), terms: [value], presence: .present),
                SegmentPlan(joins: [join], condition: SQLFragment("\(a).is_nan = 1"), terms: [], presence: .nan),
                SegmentPlan(
                    joins: [],
                    condition: SQLFragment(
                        "NOT EXISTS (SELECT 1 FROM latest_metrics x WHERE x.run_pk = r.run_pk AND x.key_id = \(Self.metricKeyID))",
                        [key.databaseValue]),
                    terms: [], presence: .missing),
            ]
        case .param(let key), .tag(let key):
            let table = if case .param = order.key { "params" } else { "run_tags" }
            let join = SQLFragment("JOIN \(table) \(a) ON \(a).run_pk = r.run_pk AND \(a).key = ?", [key.databaseValue])
            leftJoin = SQLFragment("LEFT " + join.sql, join.arguments)
            terms = [RunSearchPlan.SortTerm(expression: "(\(a).run_pk IS NULL)", ascending: true), value]
            segments = [
                SegmentPlan(joins: [join], condition: nil, terms: [value], presence: .present),
                SegmentPlan(
                    joins: [],
                    condition: SQLFragment(
                        "NOT EXISTS (SELECT 1 FROM \(table) x WHERE x.run_pk = r.run_pk AND x.key = ?)", [key.databaseValue]),
                    terms: [], presence: .missing),
            ]
        case .attribute(let attribute):
            leftJoin = nil
            let column = Self.column(for: attribute)
            let value = RunSearchPlan.SortTerm(expression: column, ascending: order.ascending)
            if attribute == .endTime {
                // A running run has no end time yet.
                terms = [RunSearchPlan.SortTerm(expression: "(\(column) IS NULL)", ascending: true), value]
                segments = [
                    SegmentPlan(joins: [], condition: SQLFragment("\(column) IS NOT NULL"), terms: [value], presence: .present),
                    SegmentPlan(joins: [], condition: SQLFragment("\(column) IS NULL"), terms: [], presence: .missing),
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
