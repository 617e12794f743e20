public import Hummingbird
import HTTPTypes
import StrideDomain
public import StrideService

/// MLflow's REST API: maps wire requests to service calls and service results to MLflow's JSON.
public struct MLflowAPI: Sendable {
    let tracking: TrackingService

    /// The MLflow release whose API Stride speaks. `GET /version` reports a 3.x release below 3.4
    /// on purpose: clients switch trace export to OTLP from 3.4 on, which Stride does not serve.
    public static let reportedMLflowVersion = "3.3.2"

    public init(tracking: TrackingService) {
        self.tracking = tracking
    }

    /// Every path this API serves, for telling "wrong method" (405) from "no such route" (404).
    public var routePaths: Set<String> {
        Set(allEndpoints().flatMap(\.routePaths) + ["/health", "/version"])
    }

    private func allEndpoints() -> [MLflowEndpoint] {
        experimentEndpoints() + runEndpoints() + metricEndpoints() + serverInfoEndpoints()
    }

    /// Registers every endpoint and the server-level routes.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        for endpoint in allEndpoints() {
            let handler = endpoint.handler
            for path in endpoint.routePaths {
                router.on(RouterPath(path), method: endpoint.method) { request, _ in
                    try await handler(try await MLflowRequest.decode(request))
                }
            }
        }
        router.get("/health") { _, _ in "OK" }
        router.get("/version") { _, _ in Self.reportedMLflowVersion }
    }
}
