import HTTPTypes
public import Hummingbird
import StrideMLflowAPI
public import StrideStore

/// The outermost middleware: every response carries its request id in `X-Request-Id` (the id
/// the request's log lines and a 5xx message also carry), and, with `metrics`, every request is
/// counted with its latency; `activity` hears of every request, so idle work waits for a quiet spell.
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics?
    let activity: QuietSpellWatcher?

    public init(metrics: ServerMetrics?, activity: QuietSpellWatcher? = nil) {
        self.metrics = metrics
        self.activity = activity
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        activity?.noteCall()
        let started = ContinuousClock.now
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = context.id
            record(request, context: context, status: response.status.code, since: started)
            return response
        } catch {
            record(request, context: context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: started)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int, since started: ContinuousClock.Instant) {
        guard let metrics else { return }
        metrics.recordRequest(
            route: context.endpointPath ?? "unmatched", method: request.method, status: status, duration: ContinuousClock.now - started,
            requestBytes: request.declaredContentLength)
    }
}
