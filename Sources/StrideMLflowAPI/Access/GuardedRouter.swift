public import HTTPTypes
public import Hummingbird
import StrideDomain
import StrideService
import Synchronization

/// The only way Stride's API adds routes: each registration states its ``RouteAccess``, which is
/// recorded and, with auth on, checked before the handler runs.
///
/// Per-route allow-lists kept apart from the routes are how MLflow's basic-auth app keeps missing
/// new endpoints; here a route cannot be added without its policy, and ``unguardedRoutes(of:)``
/// finds any route that reached the router some other way, so startup can refuse it.
public struct GuardedRouter<Context: RequestContext> {
    public let router: Router<Context>
    /// Nil with auth off: routes run unchecked, as MLflow's server does without an auth app.
    let gate: AccessGate?
    let policies: RoutePolicies
    /// Confirms a request's project exists (nil: only `default` does).
    let projects: ProjectDirectory?
    /// The routes added through this router alone (not the web UI's), which the OpenAPI document lists.
    let declared = RoutePolicies()

    public init(router: Router<Context>, gate: AccessGate?, policies: RoutePolicies = RoutePolicies(), projects: ProjectDirectory? = nil) {
        self.router = router
        self.gate = gate
        self.policies = policies
        self.projects = projects
    }

    /// Adds a route; one a token may call is also served under `/projects/<name>`. The handler
    /// runs with ``ProjectContext/current`` set, after the access check when auth is on.
    public func on(
        _ path: String, method: HTTPRequest.Method, access: RouteAccess,
        use handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) {
        let paths = access == .anyone ? [path] : [path, RequestProject.pathPrefix + path]
        for path in paths {
            policies.record(method: method, path: path, access: access)
            declared.record(method: method, path: path, access: access)
            router.on(RouterPath(path), method: method) { [gate, projects] request, context in
                let project = try RequestProject.name(of: request, parameters: context.parameters)
                let caller = try await gate?.admit(request.headers, access: access, project: project)
                if project != Project.defaultName, access != .anyone {
                    try await Self.requireProject(project, in: projects)
                }
                return try await ProjectContext.$caller.withValue(caller) {
                    try await ProjectContext.$current.withValue(project) { try await handler(request, context) }
                }
            }
        }
    }

    private static func requireProject(_ name: String, in projects: ProjectDirectory?) async throws {
        guard let projects, try await projects.exists(name) else {
            throw StrideError.notFound("Project '\(name)' does not exist.")
        }
    }
}

/// Whether a project exists, asked of the store on every request: a project deleted through any
/// instance (or the CLI) stops being reachable at once, with no cache to invalidate.
public struct ProjectDirectory: Sendable {
    private let lookup: @Sendable (String) async throws -> Bool

    public init(lookup: @escaping @Sendable (String) async throws -> Bool) {
        self.lookup = lookup
    }

    func exists(_ name: String) async throws -> Bool {
        try await lookup(name)
    }
}

/// Every guarded route's declared access, by method and path as registered.
public final class RoutePolicies: Sendable {
    private let table = Mutex<[String: RouteAccess]>([:])

    public init() {}

    /// Records a route's declared access (the API's routes through ``GuardedRouter``, the web UI's
    /// through its own registration).
    public func record(method: HTTPRequest.Method, path: String, access: RouteAccess) {
        let key = Self.key(method, RouterPath(path).description)
        table.withLock { $0[key] = access }
    }

    public func access(method: HTTPRequest.Method, path: String) -> RouteAccess? {
        table.withLock { $0[Self.key(method, path)] }
    }

    /// Routes on `router` that no guarded registration declared, as `METHOD path`.
    public func unguardedRoutes<Context>(of router: Router<Context>) -> [String] {
        router.routes.compactMap { route in
            access(method: route.method, path: route.path.description) == nil ? "\(route.method) \(route.path)" : nil
        }
    }

    /// Every declared route as `METHOD path`, with its access.
    public var all: [(route: String, access: RouteAccess)] {
        table.withLock { $0.map { ($0.key, $0.value) }.sorted { $0.route < $1.route } }
    }

    private static func key(_ method: HTTPRequest.Method, _ path: String) -> String {
        "\(method) \(path)"
    }
}
