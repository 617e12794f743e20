import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import StrideDomain
import StrideServer
import StrideService
import StrideTesting

/// The services behind a test's pages, for seeding fixtures without going through HTTP.
struct UIFixture: Sendable {
    var tracking: TrackingService
    var registry: RegistryService
    var loggedModels: LoggedModelService
    var artifacts: ArtifactService
    var traces: TraceService
}

/// Runs `body` against the server's application (API and UI) over a fresh store, without a socket.
func withUI(_ body: @Sendable (UIFixture, any TestClientProtocol) async throws -> Void) async throws {
    try await withTestApplication { app in
        let services = app.services
        guard let traces = services.traces else { throw TracesNotServed() }
        let fixture = UIFixture(
            tracking: services.tracking, registry: services.registry, loggedModels: services.loggedModels, artifacts: services.artifacts,
            traces: traces)
        try await app.application.test(.router) { client in try await body(fixture, client) }
    }
}

/// The test application was built without tracing, which the trace pages' tests need.
struct TracesNotServed: Error {}

/// A page as the browser receives it.
struct Page {
    var status: HTTPResponse.Status
    var html: String
    var headers: HTTPFields

    func contains(_ text: String) -> Bool { html.contains(text) }

    /// Where `first` appears before `second`, for checking row order.
    func shows(_ first: String, before second: String) -> Bool {
        guard let a = html.range(of: first), let b = html.range(of: second) else { return false }
        return a.lowerBound < b.lowerBound
    }

    func count(of text: String) -> Int {
        html.components(separatedBy: text).count - 1
    }
}

extension TestClientProtocol {
    func page(_ path: String) async throws -> Page {
        let response = try await execute(uri: path, method: .get)
        return Page(status: response.status, html: String(buffer: response.body), headers: response.headers)
    }

    /// Submits a form as a browser does.
    func submit(_ path: String, _ fields: String) async throws -> TestResponse {
        try await execute(
            uri: path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: fields))
    }
}

extension TrackingService {
    /// Creates a finished run with params, metrics (one point per value, steps 0, 1, …) and tags.
    @discardableResult
    func seedRun(
        experimentID: String, name: String, start: Int64 = 1_700_000_000_000, params: [String: String] = [:],
        metrics: [String: [Double]] = [:], tags: [String: String] = [:]
    ) async throws -> String {
        let run = try await createRun(
            experimentID: experimentID, userID: "alice", runName: name, startTime: start,
            tags: tags.sorted { $0.key < $1.key }.map { Tag(key: $0.key, value: $0.value) })
        let id = run.info.runID
        var points: [Metric] = []
        for (key, values) in metrics.sorted(by: { $0.key < $1.key }) {
            for (step, value) in values.enumerated() {
                points.append(Metric(key: key, value: value, timestamp: start + Int64(step) * 1000, step: Int64(step)))
            }
        }
        try await logBatch(runID: id, metrics: points, params: params.sorted { $0.key < $1.key }.map { Param(key: $0.key, value: $0.value) }, tags: [])
        _ = try await updateRun(id: id, status: .finished, endTime: start + 90_000, name: nil)
        return id
    }

    func seedExperiment(_ name: String) async throws -> String {
        try await createExperiment(name: name, artifactLocation: nil, tags: [], project: Project.defaultName).description
    }
}
