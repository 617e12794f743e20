import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import StrideDomain
@testable import StrideMLflowAPI
import StrideServer
import StrideService
import StrideTesting
import Synchronization
import Testing

@Suite("OpenAPI: the document at /api/openapi.json matches the router")
struct OpenAPIDocumentTests {
    @Test("every route the router serves is documented, and every documented operation is served")
    func documentMatchesRouter() async throws {
        try await withFullRouter { router in
            let served = Set(router.routes.map { "\($0.method) \($0.path.description)" })
            let document = try await Self.fetchDocument(router)
            let documented = try Self.documentedRoutes(document)
            #expect(served.subtracting(documented).sorted() == [])
            #expect(documented.subtracting(served).sorted() == [])
            #expect(served.contains("GET /api/openapi.json"))
            #expect(served.contains("POST /projects/{project}/api/2.0/mlflow/runs/create"))
            #expect(served.count > 250)
        }
    }

    @Test("every served route has a request and response shape, and no shape describes a route that is gone")
    func everyRouteHasAShape() async throws {
        try await withFullRouter { router in
            let routes = router.routes.map {
                OpenAPIDocument.Route(method: $0.method.rawValue, path: $0.path.description, access: .anyone)
            }
            let document = OpenAPIDocument(routes: routes, version: "test")
            #expect(document.unshapedRoutes == [])
            let usedKeys = Set(routes.map { OperationShape.key(method: $0.method, path: $0.path) })
            #expect(Set(OperationShape.all.keys).subtracting(usedKeys).sorted() == [])
        }
    }

    @Test("an operation describes MLflow's fields, its role, and MLflow's error shape for each failure")
    func operationDescribesFieldsAndErrors() async throws {
        try await withFullRouter { router in
            let document = try await Self.fetchDocument(router)
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let createRun = try #require(paths["/api/2.0/mlflow/runs/create"]?["post"] as? [String: Any])
            #expect(createRun["x-stride-access"] as? String == "writer")
            let body = try #require(
                (((createRun["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"]
                    as? [String: Any])
            let properties = try #require(body["properties"] as? [String: [String: Any]])
            #expect(properties.keys.sorted() == ["experiment_id", "run_name", "start_time", "tags", "user_id"])
            #expect(properties["start_time"]?["type"] as? String == "integer")
            let responses = try #require(createRun["responses"] as? [String: Any])
            #expect(responses.keys.sorted() == ["200", "400", "401", "403", "404", "413", "503"])

            let getHistory = try #require(paths["/api/2.0/mlflow/metrics/get-history"]?["get"] as? [String: Any])
            let query = try #require(getHistory["parameters"] as? [[String: Any]])
            #expect(query.compactMap { $0["name"] as? String } == ["run_id", "run_uuid", "metric_key", "max_results", "page_token"])
            #expect(query.allSatisfy { $0["in"] as? String == "query" })

            let health = try #require(paths["/health"]?["get"] as? [String: Any])
            #expect(health["x-stride-access"] as? String == "public")
            #expect((health["security"] as? [Any])?.isEmpty == true)
            // Only project-scoped routes are also served under /projects/{project}.
            #expect(paths["/health"]?["servers"] == nil)
            let servers = try #require(paths["/api/2.0/mlflow/runs/create"]?["servers"] as? [[String: Any]])
            #expect(servers.compactMap { $0["url"] as? String } == ["/", "/projects/{project}"])

            let errorSchema = try #require(
                ((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?["Error"] as? [String: Any])
            #expect(errorSchema["required"] as? [String] == ["error_code", "message"])
        }
    }

    @Test("artifact paths at a URL's tail become one path parameter")
    func artifactTailIsAParameter() {
        #expect(OpenAPIDocument.openAPIPath("/api/2.0/mlflow-artifacts/artifacts/**") == "/api/2.0/mlflow-artifacts/artifacts/{artifact_path}")
        #expect(OpenAPIOperation.pathParameterNames("/api/2.0/mlflow/logged-models/{model_id}/tags/{tag_key}") == ["model_id", "tag_key"])
        #expect(OperationShape.key(method: "GET", path: "/projects/{project}/ajax-api/2.0/mlflow/runs/get") == "GET /2.0/mlflow/runs/get")
        #expect(OperationShape.key(method: "GET", path: "/api/openapi.json") == "GET /openapi.json")
    }

    /// `METHOD path` of every documented operation, in the router's spelling, with the
    /// `/projects/{project}` twin of every path whose item lists that server.
    static func documentedRoutes(_ document: [String: Any]) throws -> Set<String> {
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var routes: Set<String> = []
        for (path, item) in paths {
            let routerPath = path.replacingOccurrences(of: "{\(OpenAPIDocument.tailParameter)}", with: "**")
            let servers = (item["servers"] as? [[String: Any]])?.compactMap { $0["url"] as? String } ?? ["/"]
            for (method, _) in item where method != "servers" {
                for server in servers {
                    let prefix = server == "/" ? "" : server
                    routes.insert("\(method.uppercased()) \(prefix)\(routerPath)")
                }
            }
        }
        return routes
    }

    static func fetchDocument(_ router: Router<BasicRequestContext>) async throws -> [String: Any] {
        let body = Mutex(Data())
        try await Application(router: router).test(.router) { client in
            let response = try await client.execute(uri: "/api/openapi.json", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            body.withLock { $0 = Data(response.body.readableBytesView) }
        }
        return try #require(try JSONSerialization.jsonObject(with: body.withLock { $0 }) as? [String: Any])
    }
}

/// A router with every API route Stride can serve: registry, logged models, traces, artifacts, projects, and auth on.
private func withFullRouter(_ body: @Sendable (Router<BasicRequestContext>) async throws -> Void) async throws {
    // The server's services, routed without the web UI and GraphQL, which the document does not cover.
    try await withTestApplication(auth: true) { app in
        let services = app.services
        try await body(StrideApplication.buildRouter(
            tracking: services.tracking, registry: services.registry, loggedModels: services.loggedModels, artifacts: services.artifacts,
            projects: services.projects, access: services.access, metrics: ServerMetrics(),
            traces: services.traces, evaluationDatasets: services.evaluationDatasets))
    }
}
