public import StrideDomain

/// Who may call a route when auth is on: anyone (`/health`, `/version`), or a token with at least
/// a role in the request's project.
public enum RouteAccess: Sendable, Hashable, CustomStringConvertible {
    case anyone
    case role(Role)

    public var description: String {
        switch self {
        case .anyone: "public"
        case .role(let role): role.name
        }
    }
}
