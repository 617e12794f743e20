import Hummingbird
import HTTPTypes
import StrideDomain
public import StrideService

/// Sign-in for the web UI under `--auth`: the browser holds the access token in an HTTP-only,
/// SameSite=Strict cookie, and every page and form admits the request through the same
/// ``AccessService`` the API uses.
///
/// Nothing is kept on the server per session, so any Stride instance behind a load balancer can
/// answer any page; signing out clears the cookie, and revoking the token ends every session
/// that uses it within a second.
public struct WebSignIn: Sendable {
    let access: AccessService
    /// For the server admin's project switcher; nil offers no switching.
    let projects: ProjectService?

    public init(access: AccessService, projects: ProjectService?) {
        self.access = access
        self.projects = projects
    }

    static let tokenCookie = "stride_token"
    static let projectCookie = "stride_project"
    /// A working day; the token's own expiry and revocation still apply within it.
    static let sessionSeconds = 8 * 3600

    enum Admission {
        case admitted(Viewer)
        case signInRequired
    }

    /// Admits a request that needs `needed` in the viewer's project: the token's project, or the
    /// project the server admin switched to. Another project's or too weak a role throws the
    /// service's `RESOURCE_DOES_NOT_EXIST` / `PERMISSION_DENIED`.
    func admit(_ request: Request, needed: Role) async throws -> Admission {
        guard let principal = try await principal(of: request) else { return .signInRequired }
        let switchable = principal.isServerAdmin ? try await projects?.list().map(\.name) ?? [] : []
        // The chosen project must still exist: one deleted since it was chosen falls back to the token's.
        let chosen = request.cookies[Self.projectCookie].map { String($0.value) }.flatMap { switchable.contains($0) ? $0 : nil }
        let project = chosen ?? principal.project
        let role = try access.authorize(principal, project: project, needed: needed, authEnabled: true)
        return .admitted(Viewer(project: project, role: role, tokenID: principal.tokenID, projects: switchable))
    }

    /// The principal the session cookie proves, or nil: no cookie, or a token that no longer works.
    func principal(of request: Request) async throws -> Principal? {
        guard let token = request.cookies[Self.tokenCookie]?.value, !token.isEmpty else { return nil }
        return try await verify(token: token)
    }

    /// The principal of a presented token, or nil when it is unknown, wrong, expired or revoked.
    func verify(token: String) async throws -> Principal? {
        do {
            return try await access.authenticate(headerValue: "Bearer " + token)
        } catch let error as StrideError where error.code == .unauthenticated {
            return nil
        }
    }

    static func sessionCookie(_ token: String, secure: Bool) -> Cookie {
        Cookie(name: tokenCookie, value: token, maxAge: sessionSeconds, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    static func projectSelection(_ project: String, secure: Bool) -> Cookie {
        Cookie(name: projectCookie, value: project, maxAge: sessionSeconds, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    static func expired(_ name: String) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict)
    }

    /// Whether the browser reached Stride over TLS (directly or through a proxy saying so).
    static func isSecure(_ request: Request) -> Bool {
        request.uri.scheme == .https || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
    }
}
