import Hummingbird
import StrideMLflowAPI
import StrideDomain

/// Chooses the thread a request's work runs on.
///
/// A connection's task runs on its event loop (``TimedHTTP1Channel``), so a small write is read,
/// handled, stored and answered on one thread, without the two thread hand-offs (futex wake-ups) that
/// cost more CPU on this kind of machine than the write itself. Every other request (searches,
/// histories, the web UI, artifacts, any body above `Limits.maxEventLoopRequestBodyBytes`) moves to
/// Swift's concurrency pool together with the writing of its response body, so its work cannot hold
/// up the other connections of the loop: with everything on the loops, a 100 ms search made small
/// writes on the same loop wait for it (p99 8 ms → 56 ms, docs/performance.md).
struct RequestPlacementMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The methods served on the event loop, by route (the path as the router spells a match).
    private let eventLoopMethods: [String: Set<String>]

    /// - Parameter eventLoopRoutes: routes served on the event loop, as `METHOD path`
    ///   (``MLflowAPI/smallRequestRoutes``).
    init(eventLoopRoutes: Set<String>) {
        var methods: [String: Set<String>] = [:]
        for route in eventLoopRoutes {
            guard let space = route.firstIndex(of: " ") else { continue }
            methods[String(route[route.index(after: space)...]), default: []].insert(String(route[..<space]))
        }
        eventLoopMethods = methods
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if servesOnEventLoop(request, context: context) {
            return try await next(request, context)
        }
        return try await withTaskExecutorPreference(globalConcurrentExecutor) {
            var response = try await next(request, context)
            let body = response.body
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                try await withTaskExecutorPreference(globalConcurrentExecutor) { try await body.write(writer) }
            }
            return response
        }
    }

    private func servesOnEventLoop(_ request: Request, context: Context) -> Bool {
        guard let route = context.endpointPath, eventLoopMethods[route]?.contains(request.method.rawValue) == true else { return false }
        // Without a declared length the body's size is unknown until it is read: off the loop.
        guard let length = request.declaredContentLength else { return request.method == .get }
        return length <= Limits.maxEventLoopRequestBodyBytes
    }
}
