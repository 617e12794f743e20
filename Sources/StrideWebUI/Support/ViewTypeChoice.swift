import StrideDomain

/// How a URL names which lifecycle stage a list shows: `view=active|deleted|all`.
enum ViewTypeChoice: String, CaseIterable {
    case active
    case deleted
    case all

    init(parameter: String?) {
        self = parameter.flatMap(ViewTypeChoice.init(rawValue:)) ?? .active
    }

    var viewType: ViewType {
        switch self {
        case .active: .activeOnly
        case .deleted: .deletedOnly
        case .all: .all
        }
    }

    var label: String {
        switch self {
        case .active: "Active"
        case .deleted: "Deleted"
        case .all: "Active and deleted"
        }
    }

    /// Nil for the default, so default links stay short.
    var parameter: String? { self == .active ? nil : rawValue }

    /// The three views as a select's options, `selected` marked.
    static func choices(selected: ViewType) -> [Choice] {
        allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0.viewType == selected) }
    }
}
