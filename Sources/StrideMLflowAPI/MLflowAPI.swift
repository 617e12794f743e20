public import Hummingbird
import Foundation
import HTTPTypes
import StrideDomain
public import StrideService

/// MLflow's REST API: maps wire requests to service calls and service results to MLflow's JSON.
public struct MLflowAPI: Sendable {
    let tracking: TrackingService
    /// The model registry; nil leaves the registry routes unserved (router tests of tracking alone).
    let registry: RegistryService?
    /// MLflow 3 logged models; nil answers their search with an empty page and serves nothing else.
    let loggedModels: LoggedModelService?
    /// MLflow 3 tracing; nil leaves the trace routes unserved.
    let traces: TraceService?
    /// MLflow 3 evaluation datasets; nil leaves their routes unserved.
    let evaluationDatasets: EvaluationDatasetService?
    /// The artifact routes; nil leaves artifacts unserved (router tests that need only tracking).
    let artifactRoutes: ArtifactRoutes?
    /// Projects (MLflow 3's workspaces); nil serves the `default` project alone.
    let projects: ProjectService?
    /// Token administration, served with auth on.
    let access: AccessService?
    /// Shared by every endpoint, so many large bodies at once cannot exhaust memory.
    let bodyBudget = RequestBodyBudget()

    /// The MLflow release whose API (tracing included) Stride speaks, as `GET /version` reports it:
    /// clients from 3.4 on then export spans over OTLP (`POST /v1/traces`), which Stride serves.
    public static let reportedMLflowVersion = "3.17.2"

    /// - Parameter servesArtifacts: false with `--no-serve-artifacts`: the proxy API answers 503 and
    ///   server-info says artifacts are not served.
    public init(
        tracking: TrackingService, registry: RegistryService? = nil, loggedModels: LoggedModelService? = nil, artifacts: ArtifactService? = nil,
        projects: ProjectService? = nil, access: AccessService? = nil, servesArtifacts: Bool = true, traces: TraceService? = nil,
        evaluationDatasets: EvaluationDatasetService? = nil
    ) {
        self.traces = traces
        self.evaluationDatasets = evaluationDatasets
        self.projects = projects
        self.access = access
        self.tracking = tracking
        self.registry = registry
        self.loggedModels = loggedModels
        self.artifactRoutes = artifacts.map { ArtifactRoutes(artifacts: $0, isServing: servesArtifacts) }
    }

    /// Every path this API serves, for telling "wrong method" (405) from "no such route" (404).
    public var routePaths: Set<String> {
        Set(
            allEndpoints().flatMap(\.routePaths) + ["/health", "/health/ready", "/version"] + (artifactRoutes?.exactPaths ?? [])
                + (traces != nil ? [OTLPEndpoint.path] : []))
    }

    /// The routes of small endpoints, as `METHOD path` with the path as the router spells a matched
    /// route (`RequestContext.endpointPath`), under `/projects/<name>` too.
    public var smallRequestRoutes: Set<String> {
        Set(
            allEndpoints().filter(\.isSmall).flatMap { endpoint in
                endpoint.routePaths.flatMap { path in
                    [path, RequestProject.pathPrefix + path].map { "\(endpoint.method) \(RouterPath($0).description)" }
                }
            }
        ).union(Self.constantAnswerRoutes)
    }

    /// The liveness probe and the version: answers that touch no store, asked for every few seconds by
    /// load balancers and clients, so they need no thread of their own. (Readiness asks the store and
    /// is not among them.)
    public static let constantAnswerRoutes: Set<String> = ["GET /health", "GET /version"]

    /// Path prefixes under which every path is served with some method (artifact paths).
    public var routePathPrefixes: [String] {
        artifactRoutes?.pathPrefixes ?? []
    }

    private func allEndpoints() -> [MLflowEndpoint] {
        var endpoints = experimentEndpoints() + runEndpoints() + metricEndpoints() + serverInfoEndpoints()
        endpoints += loggedModels.map(loggedModelEndpoints) ?? emptyLoggedModelSearchEndpoints()
        if let registry {
            endpoints += registeredModelEndpoints(registry) + modelVersionEndpoints(registry)
        }
        endpoints += traces.map(traceEndpoints) ?? []
        endpoints += evaluationDatasets.map(evaluationDatasetEndpoints) ?? []
        endpoints += projects.map(workspaceEndpoints) ?? []
        endpoints += access.map(accessTokenEndpoints) ?? []
        return endpoints
    }

    /// Whether a project exists, for the router's check of `/projects/<name>` and the workspace header.
    public var projectDirectory: ProjectDirectory? {
        projects.map { projects in
            ProjectDirectory { name in (try? await projects.project(named: name)) != nil }
        }
    }

    /// Registers every endpoint and the server-level routes, each with its declared access.
    public func register<Context: RequestContext>(on router: GuardedRouter<Context>) {
        for endpoint in allEndpoints() {
            let handler = endpoint.handler
            let maxBodyBytes = endpoint.maxBodyBytes
            let bodyBudget = self.bodyBudget
            for path in endpoint.routePaths {
                router.on(path, method: endpoint.method, access: .role(endpoint.access)) { request, context in
                    let expected = request.declaredContentLength.map { min($0, maxBodyBytes) } ?? maxBodyBytes
                    return try await bodyBudget.withReservation(of: expected) {
                        var decoded = try await MLflowRequest.decode(request, maxBodyBytes: maxBodyBytes)
                        decoded.project = ProjectContext.current
                        for (name, value) in context.parameters {
                            decoded.pathParameters[String(name)] = String(value).removingPercentEncoding ?? String(value)
                        }
                        return try await handler(decoded)
                    }
                }
            }
        }
        artifactRoutes?.register(on: router)
        if let traces { OTLPEndpoint(traces: traces, bodyBudget: bodyBudget).register(on: router) }
        router.on("/health", method: .get, access: .anyone) { _, _ in Self.plainText("OK") }
        // Readiness, unlike liveness, asks the store: a locked or unreachable database answers 503.
        router.on("/health/ready", method: .get, access: .anyone) { [tracking] _, _ in
            try await tracking.checkStoreReachable()
            return Self.plainText("OK")
        }
        router.on("/version", method: .get, access: .anyone) { _, _ in Self.plainText(Self.reportedMLflowVersion) }
        registerOpenAPIDocument(on: router)
    }

    /// A `text/plain` answer: a response without a media type leaves clients (and the OpenAPI
    /// document's fuzzer) guessing.
    static func plainText(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: .init(string: text)))
    }
}
