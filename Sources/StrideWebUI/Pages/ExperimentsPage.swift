import Hummingbird
import StrideDomain
import StrideService
import StrideStore

/// `/`: every experiment with its run count and last activity, a name search, and the forms
/// that create, rename, delete and restore experiments.
extension WebUI {
    struct ExperimentsView {
        var query: String
        var views: [Choice]
        var rows: [ExperimentRow]
        var isEmpty: Bool
        var back: String
        /// What the viewer's role allows: creating and renaming (writer), deleting and restoring (maintainer).
        var canWrite: Bool
        var canManage: Bool
    }

    struct ExperimentRow {
        var id: String
        var name: String
        var href: String
        var runCount: Int
        var lastActivity: String
        var created: String
        var isDeleted: Bool
        var actionPath: String
    }

    func experimentsPage(_ request: Request) async throws -> Response {
        let fields = FormFields(urlEncoded: request.uri.query)
        let query = fields["q"] ?? ""
        let view = ViewTypeChoice(parameter: fields["view"])
        let summaries = try await browse.experimentSummaries(nameContains: query, viewType: view.viewType)
        let rows = summaries.map { summary in
            ExperimentRow(
                id: summary.id.description, name: summary.name, href: "/experiments/\(summary.id)", runCount: summary.runCount,
                lastActivity: Formatting.time(summary.lastActivity), created: Formatting.time(summary.creationTime),
                isDeleted: summary.lifecycleStage == .deleted, actionPath: "/experiments/\(summary.id)")
        }
        let back = PageLink("/").with("q", query).with("view", view.parameter).url
        let model = ExperimentsView(
            query: query, views: ViewTypeChoice.choices(selected: view.viewType), rows: rows, isEmpty: rows.isEmpty, back: back,
            canWrite: Viewer.current.may(.writer), canManage: Viewer.current.may(.maintainer))
        return renderer.page("experiments", model, title: "Experiments")
    }
}

extension Templates {
    static let experiments = """
        <form class="bar" method="get" action="/">
        <input type="search" name="q" value="{{query}}" placeholder="Search by name" aria-label="Search experiments by name">
        <select name="view" aria-label="Lifecycle">{{#views}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/views}}</select>
        <button>Search</button>
        </form>
        {{#canWrite}}<form class="bar" method="post" action="/experiments/create">
        <input name="name" required placeholder="New experiment name" aria-label="New experiment name"><button>Create experiment</button>
        </form>{{/canWrite}}
        {{#isEmpty}}<p class="empty">No experiments match.</p>{{/isEmpty}}
        {{^isEmpty}}
        <div class="scroll"><table class="grid">
        <thead><tr><th>Name</th><th>ID</th><th class="num">Runs</th><th>Last activity (UTC)</th><th>Created (UTC)</th><th>Actions</th></tr></thead>
        <tbody>
        {{#rows}}<tr{{#isDeleted}} class="deleted"{{/isDeleted}}>
        <td><a href="{{href}}">{{name}}</a></td><td class="mono">{{id}}</td><td class="num">{{runCount}}</td><td>{{lastActivity}}</td><td>{{created}}</td>
        <td><div class="actions">
        {{#canWrite}}<details><summary>Rename</summary><form method="post" action="{{actionPath}}/rename"><input type="hidden" name="back" value="{{back}}"><input name="name" value="{{name}}" required aria-label="New name"><button>Save</button></form></details>{{/canWrite}}
        {{#canManage}}{{#isDeleted}}<form method="post" action="{{actionPath}}/restore"><input type="hidden" name="back" value="{{back}}"><button>Restore</button></form>{{/isDeleted}}
        {{^isDeleted}}<form method="post" action="{{actionPath}}/delete"><input type="hidden" name="back" value="{{back}}"><button class="danger">Delete</button></form>{{/isDeleted}}{{/canManage}}
        </div></td></tr>
        {{/rows}}
        </tbody></table></div>
        {{/isEmpty}}
        """
}
