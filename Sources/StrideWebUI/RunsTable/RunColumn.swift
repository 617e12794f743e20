import StrideDomain

/// A column of the runs table, named in URLs as `attributes.start_time`, `metrics.loss`,
/// `params.lr` or `tags.team` (the key may itself contain dots).
enum RunColumn: Hashable, Sendable {
    case attribute(RunAttribute)
    case metric(String)
    case param(String)
    case tag(String)

    init?(id: String) {
        guard let dot = id.firstIndex(of: ".") else { return nil }
        let key = String(id[id.index(after: dot)...])
        guard !key.isEmpty else { return nil }
        switch id[..<dot] {
        case "attributes": guard let attribute = RunAttribute(rawValue: key) else { return nil }
            self = .attribute(attribute)
        case "metrics": self = .metric(key)
        case "params": self = .param(key)
        case "tags": self = .tag(key)
        default: return nil
        }
    }

    var id: String {
        switch self {
        case .attribute(let attribute): "attributes." + attribute.rawValue
        case .metric(let key): "metrics." + key
        case .param(let key): "params." + key
        case .tag(let key): "tags." + key
        }
    }

    var key: String {
        switch self {
        case .attribute(let attribute): attribute.rawValue
        case .metric(let key), .param(let key), .tag(let key): key
        }
    }

    /// The API's `order_by` clause for this column; the key is quoted so dots and spaces survive.
    func orderBy(descending: Bool) -> String {
        let direction = descending ? " DESC" : " ASC"
        switch self {
        case .attribute(let attribute): return "attributes." + attribute.rawValue + direction
        case .metric(let key): return "metrics." + Self.quoted(key) + direction
        case .param(let key): return "params." + Self.quoted(key) + direction
        case .tag(let key): return "tags." + Self.quoted(key) + direction
        }
    }

    /// Numbers and times read best largest or newest first.
    var sortsDescendingFirst: Bool {
        switch self {
        case .metric: true
        case .attribute(let attribute): attribute.isNumeric
        case .param, .tag: false
        }
    }

    private static func quoted(_ key: String) -> String {
        key.contains("`") ? "\"" + key + "\"" : "`" + key + "`"
    }
}
