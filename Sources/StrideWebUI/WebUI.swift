import Foundation
public import Hummingbird
import Logging
import StrideDomain
import StrideStore
public import StrideService

/// The server-rendered web UI: read-only pages answer GETs, state-changing actions are POSTed
/// forms handled in ``FormActions``.
///
/// Pages call the services directly, never the REST API, and every view keeps its state in its
/// URL. Nothing here needs JavaScript; `/static/stride.js` only adds conveniences.
public struct WebUI: Sendable {
    let tracking: TrackingService
    let browse: BrowseService
    let registry: RegistryService?
    let loggedModels: LoggedModelService?
    let artifacts: ArtifactService?
    /// MLflow 3 traces, where the backend stores them; nil leaves the traces tab empty with a note.
    let traces: TraceService?
    let renderer: PageRenderer
    /// Sign-in with `--auth`; nil serves every page to everyone, as admin.
    let signIn: WebSignIn?
    /// Projects for the switcher; nil shows `default` alone.
    let projects: ProjectService?

    /// Stride's own release, shown in every page's footer.
    public static let strideVersion = "0.1.0"

    /// - Parameter apiVersion: the MLflow release whose REST API the server speaks, for the footer.
    public init(
        tracking: TrackingService, browse: BrowseService, registry: RegistryService?, loggedModels: LoggedModelService?,
        artifacts: ArtifactService?, traces: TraceService? = nil, signIn: WebSignIn? = nil, projects: ProjectService? = nil,
        version: String = WebUI.strideVersion, apiVersion: String
    ) {
        self.signIn = signIn
        self.projects = projects
        self.tracking = tracking
        self.browse = browse
        self.registry = registry
        self.loggedModels = loggedModels
        self.artifacts = artifacts
        self.traces = traces
        self.renderer = PageRenderer(version: version, apiVersion: apiVersion)
    }

    /// Path prefixes the UI owns; an unknown path under them gets an HTML 404 page.
    public static let pathPrefixes = ["/experiments", "/runs", "/traces", "/charts", "/compare", "/models", "/static", "/login", "/logout", "/switch-project"]

    /// Whether `path` belongs to the UI rather than to the REST API.
    public static func owns(_ path: String) -> Bool {
        path == "/" || pathPrefixes.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    /// Adds the UI's routes; `declare` hears each one with the role it requires (see ``RouteDeclarer``).
    public func register<Context: RequestContext>(on router: Router<Context>, declaring declare: @escaping RouteDeclarer = { _, _, _ in }) {
        let router = UIRoutes(router: router, declare: declare)
        router.get("/static/stride.css", access: nil) { _, _ in StaticAssets.stylesheet }
        router.get("/static/stride.js", access: nil) { _, _ in StaticAssets.script }
        router.get("/static/chart-hover.js", access: nil) { _, _ in StaticAssets.chartHoverScript }
        page(router, "/") { request, _ in try await experimentsPage(request) }
        page(router, "/experiments/:experiment_id") { request, context in
            try await runsTablePage(request, experimentID: try context.parameters.require("experiment_id"))
        }
        page(router, "/experiments/:experiment_id/traces") { request, context in
            try await tracesTablePage(request, experimentID: try context.parameters.require("experiment_id"))
        }
        page(router, "/traces/:trace_id") { request, context in
            try await tracePage(request, traceID: Self.decoded(try context.parameters.require("trace_id")))
        }
        page(router, "/traces/:trace_id/artifact") { _, context in
            try await traceArtifactFile(traceID: Self.decoded(try context.parameters.require("trace_id")))
        }
        page(router, "/runs/:run_id") { request, context in try await runPage(request, runID: try context.parameters.require("run_id")) }
        page(router, "/runs/:run_id/artifacts") { request, context in
            try await artifactsPage(request, runID: try context.parameters.require("run_id"))
        }
        page(router, "/runs/:run_id/artifacts/file") { request, context in
            try await artifactFile(request, runID: try context.parameters.require("run_id"), use: .download)
        }
        page(router, "/runs/:run_id/artifacts/inline") { request, context in
            try await artifactFile(request, runID: try context.parameters.require("run_id"), use: .inline)
        }
        page(router, "/charts") { request, _ in try await chartsPage(request) }
        page(router, "/compare") { request, _ in try await comparePage(request) }
        page(router, "/models") { request, _ in try await modelsPage(request) }
        page(router, "/models/:name") { request, context in
            try await modelPage(request, name: Self.decoded(try context.parameters.require("name")))
        }
        page(router, "/models/:name/versions/:version") { request, context in
            try await modelVersionPage(
                name: Self.decoded(try context.parameters.require("name")), version: try context.parameters.require("version"))
        }
        registerMLflowLinks(on: router)
        FormActions(ui: self).register(on: router)
        if let signIn { registerSignIn(on: router, signIn) }
        if let projects { registerProjectSwitch(on: router, projects) }
    }

    /// Registers a GET page whose failures render as HTML error pages, never as MLflow's JSON.
    private func page<Context: RequestContext>(
        _ router: UIRoutes<Context>, _ path: String, _ handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) {
        router.get(path, access: .reader) { request, context in
            await respond(logger: context.logger) {
                try await admitted(request, needed: .reader) { try await handler(request, context) }
            }
        }
    }

    /// Runs `body` as the request's viewer, in its project; without a valid session (auth on) the
    /// answer is the sign-in page's address instead.
    func admitted(_ request: Request, needed: Role, _ body: @escaping () async throws -> Response) async throws -> Response {
        let viewer: Viewer
        if let signIn {
            switch try await signIn.admit(request, needed: needed) {
            case .signInRequired:
                let next = request.method == .get ? request.uri.description : "/"
                return HTMLResponse.redirect(to: PageLink("/login").with("next", next).url)
            case .admitted(let admitted):
                viewer = admitted
            }
        } else {
            viewer = try await anonymousViewer(request)
        }
        return try await Viewer.$current.withValue(viewer) {
            try await ProjectContext.$current.withValue(viewer.project) { try await body() }
        }
    }

    /// Runs `body`, turning a thrown error into an error page with the matching status.
    func respond(logger: Logger, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as StrideError where error.code != .internalError {
            return renderer.error(error.message, status: Self.status(of: error))
        } catch let error as HTTPError where error.status == .notFound {
            return renderer.error("There is no such page.", status: .notFound)
        } catch is StoreUnavailable {
            return renderer.error("The database is busy. Try again in a moment.", status: .serviceUnavailable)
        } catch let error as ArtifactStorageUnavailable {
            logger.error("Web UI: \(error)")
            return renderer.error("The artifact storage is unavailable. Try again in a moment.", status: .serviceUnavailable)
        } catch {
            logger.error("Web UI failure: \(String(reflecting: error))")
            return renderer.error("Stride could not render this page. The server log has the details.", status: .internalServerError)
        }
    }

    /// The page's status for a refusal, as the API answers it.
    static func status(of error: StrideError) -> HTTPResponse.Status {
        switch error.code {
        case .resourceDoesNotExist: .notFound
        case .permissionDenied: .forbidden
        case .unauthenticated: .unauthorized
        case .temporarilyUnavailable: .serviceUnavailable
        default: .badRequest
        }
    }

    /// The HTML 404 page, for unknown paths the UI owns.
    func notFoundPage() -> Response {
        renderer.error("There is no such page.", status: .notFound)
    }

    static func decoded(_ segment: String) -> String {
        segment.removingPercentEncoding ?? segment
    }
}
