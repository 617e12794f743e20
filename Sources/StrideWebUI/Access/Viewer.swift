import StrideDomain
import StrideService

/// Who is looking at a page, and in which project: set once per request by ``WebSignIn``.
///
/// Pages read it to show only what the role allows; the services enforce the same rules, so a
/// hidden button is a courtesy, not the check.
struct Viewer: Sendable {
    var project: String
    var role: Role
    /// The signed-in token's id; nil when auth is off (everyone acts as admin of `default`).
    var tokenID: String?
    /// Projects the viewer may switch to: every project for the server admin, else none.
    var projects: [String]

    var isSignedIn: Bool { tokenID != nil }

    func may(_ needed: Role) -> Bool { role >= needed }

    /// A server without `--auth`: one viewer, admin of `default`.
    static let anonymousAdmin = Viewer(project: Project.defaultName, role: .admin, tokenID: nil, projects: [])

    @TaskLocal static var current: Viewer = .anonymousAdmin
}
