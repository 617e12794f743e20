import Hummingbird
import StrideDomain
import StrideService

/// `POST /switch-project`: which project the pages show, kept in a cookie. Without auth anyone may
/// switch (everyone is admin there); with auth only the server admin reaches other projects, which
/// `AccessService.authorize` decides here as on every page.
extension WebUI {
    func registerProjectSwitch<Context: RequestContext>(on router: UIRoutes<Context>, _ projects: ProjectService) {
        router.post("/switch-project", access: nil) { request, context in
            guard SameOriginCheck.allows(request) else { return crossSiteRefusal() }
            return await respond(logger: context.logger) {
                let form = try await FormFields.read(request)
                let project = form["project"] ?? Project.defaultName
                if let signIn {
                    guard let principal = try await signIn.principal(of: request) else { return HTMLResponse.redirect(to: "/login") }
                    try signIn.access.authorize(principal, project: project, needed: .reader, authEnabled: true)
                }
                _ = try await projects.project(named: project)
                var response = HTMLResponse.redirect(to: "/")
                response.setCookie(WebSignIn.projectSelection(project, secure: WebSignIn.isSecure(request)))
                return response
            }
        }
    }

    /// The viewer of a server without `--auth`: admin of the project chosen in the switcher.
    func anonymousViewer(_ request: Request) async throws -> Viewer {
        guard let projects else { return .anonymousAdmin }
        let names = try await projects.list().map(\.name)
        let chosen = request.cookies[WebSignIn.projectCookie]?.value
        let project = chosen.flatMap { names.contains($0) ? $0 : nil } ?? Project.defaultName
        return Viewer(project: project, role: .admin, tokenID: nil, projects: names)
    }
}
