import GRDB
import StrideDomain
import StrideStore

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

    /// The key this plan orders by.
    let key: RunOrder.Key
    /// The join a later key needs; nil for run attributes.
    var leftJoin: SQLFragment?
    /// The terms a later key orders by: its presence case (if it can be missing) and its value.
    var terms: [RunSearchPlan.SortTerm]
    /// The leading-key segments, in order; empty when the key is never missing.
    var segments: [SegmentPlan]

    /// The key id of a metric key bound as the next argument.
    static let metricKeyID = "(SELECT key_id FROM metric_keys WHERE key = ?)"

    init(_ order: RunOrder, alias a: String) {
        key = order.key
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

/// Between a cursor's ``RunSortValue``s and the sort columns of this plan's SQL: a later key's
/// terms are its presence case and value (``OrderKeyPlan/terms``); a leading key's presence is
/// its segment and its value the segment's one term.
extension OrderKeyPlan {
    /// The segment a leading key's value falls in, and that segment's term values.
    func leadingPosition(of value: RunSortValue) -> (segment: Int, values: [DatabaseValue])? {
        let presence: Presence
        var values: [DatabaseValue] = []
        switch value {
        case .missing: presence = .missing
        case .nan: presence = .nan
        default:
            guard let stored = stored(value) else { return nil }
            presence = .present
            values = [stored]
        }
        guard let segment = segments.firstIndex(where: { $0.presence == presence }) else { return nil }
        return (segment, values)
    }

    /// A leading key's value in the segment of `presence`, taking its column from `columns` when present.
    func leadingValue(presence: Presence, columns: inout ArraySlice<DatabaseValue>) -> RunSortValue {
        switch presence {
        case .missing: return .missing
        case .nan: return .nan
        case .present:
            defer { columns = columns.dropFirst() }
            return read(columns.first ?? .null)
        }
    }

    /// The values of ``terms`` for `value`; nil when this key cannot hold it.
    func termValues(of value: RunSortValue) -> [DatabaseValue]? {
        let hasPresenceTerm = terms.count == 2
        switch (key, value) {
        case (.metric, .missing): return [2.databaseValue, .null]
        case (.metric, .nan): return [1.databaseValue, 0.0.databaseValue]
        case (_, .missing): return hasPresenceTerm ? [1.databaseValue, .null] : [.null]
        default:
            guard let stored = stored(value) else { return nil }
            return hasPresenceTerm ? [0.databaseValue, stored] : [stored]
        }
    }

    /// The value of a row's ``terms`` columns.
    func value(from columns: ArraySlice<DatabaseValue>) -> RunSortValue {
        guard columns.count == 2, let presence = columns.first.flatMap(Int64.fromDatabaseValue) else {
            return read(columns.first ?? .null)
        }
        switch presence {
        case 0: return read(columns.dropFirst().first ?? .null)
        case 1 where key.isMetric: return .nan
        default: return .missing
        }
    }

    /// How this key's value is bound: a number, a time or text, by the key's kind.
    private func stored(_ value: RunSortValue) -> DatabaseValue? {
        switch (key, value) {
        case (.metric, .number(let number)): number.databaseValue
        case (.attribute(.startTime), .time(let time)), (.attribute(.endTime), .time(let time)): time.databaseValue
        case (.param, .text(let text)), (.tag, .text(let text)): text.databaseValue
        case (.attribute(let attribute), .text(let text)) where !attribute.isNumeric: text.databaseValue
        default: nil
        }
    }

    /// A present value of this key, read from its column by the key's kind.
    private func read(_ column: DatabaseValue) -> RunSortValue {
        if column.isNull { return .missing }
        switch key {
        case .metric: return Double.fromDatabaseValue(column).map(RunSortValue.number) ?? .missing
        case .attribute(let attribute) where attribute.isNumeric: return Int64.fromDatabaseValue(column).map(RunSortValue.time) ?? .missing
        default: return String.fromDatabaseValue(column).map(RunSortValue.text) ?? .missing
        }
    }
}

extension RunOrder.Key {
    fileprivate var isMetric: Bool {
        if case .metric = self { true } else { false }
    }
}
