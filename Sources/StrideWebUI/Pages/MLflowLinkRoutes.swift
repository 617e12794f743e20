import Hummingbird
import StrideDomain

/// The addresses the mlflow client prints, made to reach Stride's pages: its tracking URI as a
/// page (`/projects/<name>/`) and MLflow's fragment routes (`#/experiments/...`) through
/// `/static/mlflow-links.js` and `/-/mlflow-link`.
extension WebUI {
    func registerMLflowLinks<Context: RequestContext>(on router: UIRoutes<Context>) {
        router.get("/static/mlflow-links.js", access: nil) { _, _ in StaticAssets.mlflowLinksScript }
        // A redirect carries no data: the page it leads to admits the viewer as every page does.
        router.get("/-/mlflow-link", access: nil) { request, _ in
            let link = MLflowUILink(fragment: FormFields(urlEncoded: request.uri.query)["fragment"] ?? "")
            return Self.redirect(to: link.path, selecting: link.project, request)
        }
        // The UI keeps its project in a cookie; the browser keeps the fragment across the redirect.
        router.get("/projects/:project", access: nil) { request, context in
            let project = try context.parameters.require("project")
            return Self.redirect(to: "/", selecting: (try? ProjectName.validate(project)) == nil ? nil : project, request)
        }
    }

    private static func redirect(to path: String, selecting project: String?, _ request: Request) -> Response {
        var response = HTMLResponse.redirect(to: path)
        if let project { response.setCookie(WebSignIn.projectSelection(project, secure: WebSignIn.isSecure(request))) }
        return response
    }
}
