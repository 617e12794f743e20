import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP server on a free loopback port that answers each request as `answer` says and records
/// what it was asked: a stand-in for an S3 server that fails on cue, or a metadata service.
final class ScriptedHTTPServer: Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [(name: String, value: String)]

        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    }

    struct Response: Sendable {
        var status: Int
        var headers: [(name: String, value: String)] = []
        var body: String = ""
    }

    private let channel: any Channel
    private let recorded: NIOLockedValueBox<[Request]>

    /// `http://127.0.0.1:<port>`.
    let url: String

    /// Everything asked so far, in order.
    var requests: [Request] { recorded.withLockedValue { $0 } }

    /// Starts a server whose answer to the `n`-th request (from 0) is `answer(n, request)`.
    init(answer: @escaping @Sendable (Int, Request) -> Response) async throws {
        let recorded = NIOLockedValueBox<[Request]>([])
        self.recorded = recorded
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(recorded: recorded, answer: answer))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        url = "http://127.0.0.1:\(channel.localAddress?.port ?? 0)"
    }

    func stop() async throws {
        try await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let recorded: NIOLockedValueBox<[Request]>
        let answer: @Sendable (Int, Request) -> Response
        var head: HTTPRequestHead?

        init(recorded: NIOLockedValueBox<[Request]>, answer: @escaping @Sendable (Int, Request) -> Response) {
            self.recorded = recorded
            self.answer = answer
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): self.head = head
            case .body: break
            case .end:
                guard let head else { return }
                let request = Request(method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) })
                let number = recorded.withLockedValue { requests in
                    requests.append(request)
                    return requests.count - 1
                }
                let response = answer(number, request)
                var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
                headers.replaceOrAdd(name: "content-length", value: String(response.body.utf8.count))
                let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
                context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                if head.method != .HEAD {
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                self.head = nil
            }
        }
    }
}
