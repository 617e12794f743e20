public import Hummingbird

/// Answers an unknown path the web UI owns with an HTML 404 page; every other miss keeps going
/// to MLflow's error middleware, so API clients still get MLflow's JSON 404.
public struct WebUINotFoundMiddleware<Context: RequestContext>: RouterMiddleware {
    let ui: WebUI

    public init(ui: WebUI) {
        self.ui = ui
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && WebUI.owns(request.uri.path) {
            return ui.notFoundPage()
        }
    }
}
