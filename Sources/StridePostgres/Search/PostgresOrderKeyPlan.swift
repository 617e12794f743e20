import StrideDomain
import StrideStore

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

    /// The key this plan orders by.
    let key: RunOrder.Key
    var leftJoin: SQL?
    var terms: [PostgresRunSearchPlan.SortTerm]
    var segments: [SegmentPlan]

    /// The key id of a metric key bound as the next argument.
    static let metricKeyID = "(SELECT key_id FROM metric_keys WHERE key = ?)"

    init(_ order: RunOrder, alias a: String) {
        // Presence terms are integers, not booleans, so a page token's values bind the same way for every term.
        let value = PostgresRunSearchPlan.SortTerm(expression: "\(a).value", ascending: order.ascending, nullable: true)
        key = order.key
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

/// Between a cursor's ``RunSortValue``s and the sort columns of this plan's SQL, as the SQLite
/// store maps them: a later key's terms are its presence case and value; a leading key's presence
/// is its segment and its value the segment's one term.
extension PostgresOrderKeyPlan {
    /// The segment a leading key's value falls in, and that segment's term values.
    func leadingPosition(of value: RunSortValue) -> (segment: Int, values: [SQLValue])? {
        let presence: Presence
        var values: [SQLValue] = []
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
    func leadingValue(presence: Presence, columns: inout ArraySlice<SQLValue>) -> RunSortValue {
        switch presence {
        case .missing: return .missing
        case .nan: return .nan
        case .present:
            defer { columns = columns.dropFirst() }
            return read(columns.first ?? .null)
        }
    }

    /// The values of ``terms`` for `value`; nil when this key cannot hold it.
    func termValues(of value: RunSortValue) -> [SQLValue]? {
        let hasPresenceTerm = terms.count == 2
        switch (key, value) {
        case (.metric, .missing): return [.integer(2), .null]
        case (.metric, .nan): return [.integer(1), .real(0)]
        case (_, .missing): return hasPresenceTerm ? [.integer(1), .null] : [.null]
        default:
            guard let stored = stored(value) else { return nil }
            return hasPresenceTerm ? [.integer(0), stored] : [stored]
        }
    }

    /// The value of a row's ``terms`` columns.
    func value(from columns: ArraySlice<SQLValue>) -> RunSortValue {
        guard columns.count == 2, case .integer(let presence) = columns.first ?? .null else {
            return read(columns.first ?? .null)
        }
        switch presence {
        case 0: return read(columns.dropFirst().first ?? .null)
        case 1 where key.isMetric: return .nan
        default: return .missing
        }
    }

    /// How this key's value is bound: a number, a time or text, by the key's kind.
    private func stored(_ value: RunSortValue) -> SQLValue? {
        switch (key, value) {
        case (.metric, .number(let number)): .real(number)
        case (.attribute(.startTime), .time(let time)), (.attribute(.endTime), .time(let time)): .integer(time)
        case (.param, .text(let text)), (.tag, .text(let text)): .text(text)
        case (.attribute(let attribute), .text(let text)) where !attribute.isNumeric: .text(text)
        default: nil
        }
    }

    /// A present value of this key, read from its column by the key's kind.
    private func read(_ column: SQLValue) -> RunSortValue {
        switch (key, column) {
        case (_, .null): return .missing
        case (.metric, .real(let number)): return .number(number)
        case (.metric, .integer(let number)): return .number(Double(number))
        case (.attribute(let attribute), .integer(let time)) where attribute.isNumeric: return .time(time)
        case (_, .text(let text)): return .text(text)
        default: return .missing
        }
    }
}

extension RunOrder.Key {
    fileprivate var isMetric: Bool {
        if case .metric = self { true } else { false }
    }
}
