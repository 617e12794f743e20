import Hummingbird
import NIOCore

extension MLflowAPI {
    /// Where the OpenAPI document is served: public, like `/health`, so a fuzzer or a client
    /// generator can read it without a token.
    static let openAPIPath = "/api/openapi.json"

    /// `GET /api/openapi.json`: the document of every route registered on `router` so far and
    /// after (it is written on request, once registration is over).
    func registerOpenAPIDocument<Context: RequestContext>(on router: GuardedRouter<Context>) {
        let declared = router.declared
        router.on(Self.openAPIPath, method: .get, access: .anyone) { _, _ in
            let document = OpenAPIDocument(routes: Self.documentedRoutes(declared), version: Self.reportedMLflowVersion)
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: document.render())))
        }
    }

    static func documentedRoutes(_ declared: RoutePolicies) -> [OpenAPIDocument.Route] {
        declared.all.compactMap { entry in
            guard let space = entry.route.firstIndex(of: " ") else { return nil }
            return OpenAPIDocument.Route(
                method: String(entry.route[..<space]), path: String(entry.route[entry.route.index(after: space)...]), access: entry.access)
        }
    }
}
