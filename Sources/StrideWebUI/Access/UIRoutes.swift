public import HTTPTypes
import Hummingbird
public import StrideDomain

/// Called for every route the UI adds, with the weakest role that may use it (nil: anyone, as the
/// stylesheet and the sign-in page), so the server's route policy table covers the UI as well.
public typealias RouteDeclarer = @Sendable (HTTPRequest.Method, String, Role?) -> Void

/// The UI's way of adding routes: a route cannot be added without stating who may use it.
struct UIRoutes<Context: RequestContext> {
    let router: Router<Context>
    let declare: RouteDeclarer

    func get(_ path: String, access: Role?, use handler: @escaping @Sendable (Request, Context) async throws -> Response) {
        declare(.get, path, access)
        router.get(RouterPath(path), use: handler)
    }

    func post(_ path: String, access: Role?, use handler: @escaping @Sendable (Request, Context) async throws -> Response) {
        declare(.post, path, access)
        router.post(RouterPath(path), use: handler)
    }
}
