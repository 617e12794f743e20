import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing
import StrideMLflowAPI
@testable import StrideServer

@Suite("Where requests run: small writes on their connection's event loop, the rest off it")
struct RequestPlacementTests {
    private let loop = MultiThreadedEventLoopGroup.singleton.next()
    private let middleware = RequestPlacementMiddleware<BasicRequestContext>(eventLoopRoutes: [
        "POST /api/2.0/mlflow/runs/log-metric", "GET /api/2.0/mlflow/experiments/get-by-name",
    ])

    /// Serves one request as a connection does (its task preferring the loop) and reports whether the
    /// handler and the writing of its response body ran on the loop.
    private func placement(
        _ method: HTTPRequest.Method, _ route: String, contentLength: Int?, middleware: RequestPlacementMiddleware<BasicRequestContext>? = nil
    ) async throws -> (handler: Bool, body: Bool) {
        let middleware = middleware ?? self.middleware
        var fields = HTTPFields()
        if let contentLength { fields[.contentLength] = String(contentLength) }
        let request = Request(
            head: HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1", path: route, headerFields: fields),
            body: RequestBody(buffer: ByteBuffer()))
        let context = BasicRequestContext(source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: Logger(label: "test")))
        context.coreContext.endpointPath.value = route
        let loop = self.loop
        return try await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            let handlerOnLoop = OnLoop()
            let bodyOnLoop = OnLoop()
            let response = try await middleware.handle(request, context: context) { _, _ in
                handlerOnLoop.value = loop.inEventLoop
                return Response(status: .ok, body: ResponseBody { writer in
                    bodyOnLoop.value = loop.inEventLoop
                    try await writer.finish(nil)
                })
            }
            try await response.body.write(DiscardingWriter())
            return (handlerOnLoop.value, bodyOnLoop.value)
        }
    }

    @Test("a small write with a small body is handled and answered on the loop")
    func smallWrite() async throws {
        let placed = try await placement(.post, "/api/2.0/mlflow/runs/log-metric", contentLength: 120)
        #expect(placed.handler && placed.body)
        let lookup = try await placement(.get, "/api/2.0/mlflow/experiments/get-by-name", contentLength: nil)
        #expect(lookup.handler && lookup.body)
    }

    @Test("the liveness probe and the version are answered on the loop; readiness, which asks the store, is not")
    func constantAnswers() async throws {
        let middleware = RequestPlacementMiddleware<BasicRequestContext>(eventLoopRoutes: MLflowAPI.constantAnswerRoutes)
        for route in ["/health", "/version"] {
            let placed = try await placement(.get, route, contentLength: nil, middleware: middleware)
            #expect(placed.handler && placed.body, "\(route)")
        }
        let readiness = try await placement(.get, "/health/ready", contentLength: nil, middleware: middleware)
        #expect(!readiness.handler && !readiness.body)
    }

    @Test("a large body, a body of unknown size or another route leaves the loop, and so does its response body")
    func everythingElse() async throws {
        for (method, route, length) in [
            (HTTPRequest.Method.post, "/api/2.0/mlflow/runs/log-metric", 16 * 1024 + 1),
            (.post, "/api/2.0/mlflow/runs/log-metric", nil),
            (.post, "/api/2.0/mlflow/runs/search", 40),
            (.get, "/api/2.0/mlflow/runs/log-metric", nil),
        ] as [(HTTPRequest.Method, String, Int?)] {
            let placed = try await placement(method, route, contentLength: length)
            #expect(!placed.handler && !placed.body, "\(method) \(route) \(length.map(String.init) ?? "without a length")")
        }
    }
}

private final class OnLoop: @unchecked Sendable {
    var value = false
}

private struct DiscardingWriter: ResponseBodyWriter {
    mutating func write(_ buffer: ByteBuffer) async throws {}
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
