/// What a token may do in its project, weakest first, as GitLab's project roles.
///
/// The raw values are stored in `access_tokens.role`, so they never change.
public enum Role: Int, Comparable, Sendable, CaseIterable, CustomStringConvertible {
    /// Reads: GET routes and the read-only POSTs such as `runs/search`.
    case reader = 0
    /// Also logs runs, metrics, params, tags and artifacts.
    case writer = 1
    /// Also manages the model registry and deletes.
    case maintainer = 2
    /// Also manages the project's tokens; the admin of `default` is the server admin.
    case admin = 3

    /// Parses a role by its name (`reader`, `writer`, `maintainer`, `admin`), in any letter case.
    public init(parsing name: String) throws(StrideError) {
        guard let role = Role.allCases.first(where: { $0.name == name.lowercased() }) else {
            let names = Role.allCases.map(\.name).joined(separator: ", ")
            throw .invalidParameter("Invalid role '\(name)'. Valid roles are: \(names).")
        }
        self = role
    }

    /// The lowercase name used on the command line and in the API.
    public var name: String {
        switch self {
        case .reader: "reader"
        case .writer: "writer"
        case .maintainer: "maintainer"
        case .admin: "admin"
        }
    }

    public var description: String { name }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }
}
