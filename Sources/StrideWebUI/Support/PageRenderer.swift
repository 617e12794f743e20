import HTTPTypes
import Hummingbird
import Mustache
import StrideDomain

/// Renders a page's template inside the layout. Mustache escapes every `{{value}}`; the only
/// unescaped inserts (`{{{…}}}`) are markup this module rendered itself, such as a page body or
/// a chart's SVG.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let footer: Footer

    struct Footer: Sendable {
        var version: String
        var apiVersion: String
    }

    /// One step of the breadcrumb trail above a page's title.
    struct Crumb: Sendable {
        var label: String
        var href: String
    }

    private struct LayoutModel {
        var title: String
        var crumbs: [Crumb]
        var hasCrumbs: Bool
        var body: String
        var version: String
        var apiVersion: String
        var session: SessionModel?
    }

    /// The viewer's project (with a switcher when there are others to reach) and, when signed in,
    /// the role and a sign-out button.
    private struct SessionModel {
        var project: String
        var role: String
        var signedIn: Bool
        var choices: [ProjectChoice]
        var canSwitch: Bool

        init?(_ viewer: Viewer) {
            guard viewer.isSignedIn || viewer.projects.count > 1 else { return nil }
            project = viewer.project
            role = viewer.role.name
            signedIn = viewer.isSignedIn
            choices = viewer.projects.map { ProjectChoice(name: $0, selected: $0 == viewer.project) }
            canSwitch = viewer.projects.count > 1
        }
    }

    private struct ProjectChoice {
        var name: String
        var selected: Bool
    }

    init(version: String, apiVersion: String) {
        var library = MustacheLibrary()
        for (name, text) in Templates.all {
            // Templates are literals checked by a test; a broken one shows its error instead of a page.
            let template = (try? MustacheTemplate(string: text)) ?? (try? MustacheTemplate(string: "<p class=\"error\">Template \(name) does not parse.</p>"))
            if let template { library.register(template, named: name) }
        }
        self.library = library
        self.footer = Footer(version: version, apiVersion: apiVersion)
    }

    /// The body of `template` rendered from `model`, without the layout.
    func fragment(_ template: String, _ model: Any) -> String {
        library.render(model, withTemplate: template) ?? ""
    }

    func page(_ template: String, _ model: Any, title: String, crumbs: [Crumb] = [], status: HTTPResponse.Status = .ok) -> Response {
        let body = fragment(template, model)
        let layout = LayoutModel(
            title: title, crumbs: crumbs, hasCrumbs: !crumbs.isEmpty, body: body, version: footer.version, apiVersion: footer.apiVersion,
            session: SessionModel(Viewer.current))
        return HTMLResponse.page(fragment("layout", layout), status: status)
    }

    private struct ErrorModel {
        var message: String
    }

    func error(_ message: String, status: HTTPResponse.Status) -> Response {
        page("error", ErrorModel(message: message), title: status == .notFound ? "Not found" : "Something went wrong", status: status)
    }
}
