import StrideDomain

/// A row of a two-column key/value table; `href` links the value when it names a page.
struct KeyValueRow: Sendable {
    var key: String
    var value: String
    var href: String?
    var mono: Bool

    init(_ key: String, _ value: String, href: String? = nil, mono: Bool = false) {
        self.key = key
        self.value = value
        self.href = href
        self.mono = mono
    }

    static func rows(_ pairs: [KeyValue]) -> [KeyValueRow] {
        pairs.map { KeyValueRow($0.key, $0.value) }
    }
}

/// A link with a label, for lists of runs, models and versions.
struct LinkItem: Sendable {
    var label: String
    var href: String
}
