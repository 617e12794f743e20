import Hummingbird
import StrideDomain
import StrideService

/// `/login` and `/logout`: the pages around a web session under `--auth`.
extension WebUI {
    struct SignInView {
        var next: String
        var message: String?
    }

    func registerSignIn<Context: RequestContext>(on router: UIRoutes<Context>, _ signIn: WebSignIn) {
        // Anyone may reach these: they are how one signs in and out.
        router.get("/login", access: nil) { request, _ in
            let fields = FormFields(urlEncoded: request.uri.query)
            return signInPage(next: LocalRedirect.path(fields["next"], otherwise: "/"), message: nil, status: .ok)
        }
        router.post("/login", access: nil) { request, context in
            guard SameOriginCheck.allows(request) else { return crossSiteRefusal() }
            return await respond(logger: context.logger) {
                let form = try await FormFields.read(request)
                let next = LocalRedirect.path(form["next"], otherwise: "/")
                // A token, or GitLab-style username and password whose password is the token.
                guard let token = form.nonEmpty("token") ?? form.nonEmpty("password") else {
                    return signInPage(next: next, message: "Enter an access token.", status: .unauthorized)
                }
                guard TokenText(parsing: token) != nil, try await signIn.verify(token: token) != nil else {
                    return signInPage(next: next, message: "That token is not valid: it is unknown, expired or revoked.", status: .unauthorized)
                }
                var response = HTMLResponse.redirect(to: next)
                response.setCookie(WebSignIn.sessionCookie(token, secure: WebSignIn.isSecure(request)))
                response.setCookie(WebSignIn.expired(WebSignIn.projectCookie))
                return response
            }
        }
        router.post("/logout", access: nil) { request, _ in
            guard SameOriginCheck.allows(request) else { return crossSiteRefusal() }
            var response = HTMLResponse.redirect(to: "/login")
            response.setCookie(WebSignIn.expired(WebSignIn.tokenCookie))
            response.setCookie(WebSignIn.expired(WebSignIn.projectCookie))
            return response
        }
    }

    func signInPage(next: String, message: String?, status: HTTPResponse.Status) -> Response {
        Viewer.$current.withValue(Viewer.signedOut) {
            renderer.page("login", SignInView(next: next, message: message), title: "Sign in", status: status)
        }
    }

    func crossSiteRefusal() -> Response {
        renderer.error("This form was sent from another site, so Stride refused it.", status: .forbidden)
    }
}

extension Viewer {
    /// The login page's viewer: nobody yet.
    static let signedOut = Viewer(project: "", role: .reader, tokenID: nil, projects: [])
}

extension Templates {
    static let login = """
        {{#message}}<p class="error">{{message}}</p>{{/message}}
        <form class="signin" method="post" action="/login">
        <input type="hidden" name="next" value="{{next}}">
        <label>Username <input name="username" autocomplete="username" placeholder="optional"></label>
        <label>Access token <input name="password" type="password" autocomplete="current-password" required></label>
        <button>Sign in</button>
        </form>
        <p class="hint">Ask a project admin for a token (<code>stride token create --project &lt;name&gt; --role reader</code>). It is kept in an HTTP-only cookie for this browser only.</p>
        """
}
