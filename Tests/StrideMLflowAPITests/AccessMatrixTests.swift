import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import StrideDomain
import StrideMLflowAPI
import StrideServer
import StrideService
import StrideTesting
import Synchronization
import Testing

/// The callers the role matrix tries on every route.
private enum Caller: CaseIterable {
    case anonymous, badToken, expired, revoked, reader, writer, maintainer, admin, otherProject

    /// What the caller must get on a route that declares `access`, in the `default` project or in
    /// `vision` (where the `otherProject` caller is the admin): nil means "let through" (the
    /// handler's own answer, never 401/403). Routes that manage projects themselves
    /// (`serverAdminOnly`) refuse every admin but the server admin, even in its own project.
    func expectedRefusal(_ access: RouteAccess, inVision: Bool, serverAdminOnly: Bool = false) -> (status: HTTPResponse.Status, code: String)? {
        guard case .role(let needed) = access else { return nil }
        let notFound = (HTTPResponse.Status.notFound, "RESOURCE_DOES_NOT_EXIST")
        let denied = (HTTPResponse.Status.forbidden, "PERMISSION_DENIED")
        switch self {
        case .anonymous, .badToken, .expired, .revoked: return (.unauthorized, "UNAUTHENTICATED")
        case .otherProject: return inVision ? (serverAdminOnly ? denied : nil) : notFound
        case .admin: return nil  // the default project's admin administers every project
        case .reader: return inVision ? notFound : (needed <= .reader ? nil : denied)
        case .writer: return inVision ? notFound : (needed <= .writer ? nil : denied)
        case .maintainer: return inVision ? notFound : (needed <= .maintainer ? nil : denied)
        }
    }
}

@Suite("HTTP: access control with auth on")
struct AccessMatrixTests {
    @Test("every route on the router declares its access; only /health, its readiness check, /version, the OpenAPI document and multipart part uploads are public")
    func everyRouteHasAPolicy() async throws {
        try await withAuthRouter { router, policies, _ in
            #expect(policies.unguardedRoutes(of: router).isEmpty)
            #expect(policies.all.count == router.routes.count)
            let publicRoutes = policies.all.filter { $0.access == .anyone }.map(\.route)
            // Multipart part PUTs carry no credentials (the client treats their URLs as presigned);
            // the unguessable upload id from an authorized `create` is the capability.
            #expect(publicRoutes == [
                "GET /api/openapi.json", "GET /health", "GET /health/ready", "GET /version",
                "PUT /ajax-api/2.0/mlflow-artifacts/mpu/upload/{upload_id}/{part_number}",
                "PUT /api/2.0/mlflow-artifacts/mpu/upload/{upload_id}/{part_number}",
            ])
        }
    }

    @Test("a route added around the guard is found, so startup can refuse it")
    func unguardedRouteIsReported() async throws {
        try await withAuthRouter { router, policies, _ in
            router.get("/sneaky") { _, _ in "open" }
            #expect(policies.unguardedRoutes(of: router) == ["GET /sneaky"])
        }
    }

    @Test("every route × every caller: 401 without valid credentials, 404 for another project, 403 below the declared role")
    func roleMatrix() async throws {
        try await withAuthRouter { router, policies, tokens in
            let app = Application(router: router)
            try await app.test(.router) { client in
                for (route, access) in policies.all {
                    let parts = route.split(separator: " ", maxSplits: 1)
                    let method = HTTPRequest.Method(String(parts[0]))!
                    let path = Self.concretePath(String(parts[1]))
                    let inVision = path.hasPrefix("/projects/vision/")
                    let managesProjects = route.contains("/mlflow/workspaces") && (method == .post || method == .delete)
                    for caller in Caller.allCases {
                        var headers: HTTPFields = [.contentType: "application/json"]
                        if let token = tokens[caller] { headers[.authorization] = token }
                        let response = try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(string: "{}"))
                        let cell = "\(route) as \(caller)"
                        if let refusal = caller.expectedRefusal(access, inVision: inVision, serverAdminOnly: managesProjects) {
                            #expect(response.status == refusal.status, "\(cell)")
                            let body = try? json(response)
                            #expect(body?["error_code"] as? String == refusal.code, "\(cell)")
                        } else {
                            #expect(![.unauthorized, .forbidden].contains(response.status), "\(cell): \(response.status)")
                        }
                    }
                }
            }
        }
    }

    @Test("a token works as a bearer token and as a basic-auth password; its secret never appears in an answer")
    func credentialForms() async throws {
        try await withAuthRouter { router, _, tokens in
            let writer = try #require(tokens[.writer]).replacingOccurrences(of: "Bearer ", with: "")
            let app = Application(router: router)
            try await app.test(.router) { client in
                let basic = "Basic " + Data("anyone:\(writer)".utf8).base64EncodedString()
                let created = try await client.execute(
                    uri: "/api/2.0/mlflow/experiments/create", method: .post,
                    headers: [.contentType: "application/json", .authorization: basic], body: ByteBuffer(string: #"{"name":"via-basic"}"#))
                #expect(created.status == .ok)
                let tampered = String(writer.dropLast()) + (writer.hasSuffix("A") ? "B" : "A")
                let refused = try await client.execute(
                    uri: "/api/2.0/mlflow/experiments/search?max_results=1", method: .get, headers: [.authorization: "Bearer \(tampered)"])
                #expect(refused.status == .unauthorized)
                #expect(!String(buffer: refused.body).contains(tampered))
                #expect(!String(buffer: refused.body).contains(writer))
            }
        }
    }

    /// Fills route parameters and wildcards so the route matches; `/projects/{project}` becomes `vision`.
    static func concretePath(_ route: String) -> String {
        route.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            if segment == "**" { return "a/b.txt" }
            if segment == "{project}" || segment == ":project" { return "vision" }
            if segment.hasPrefix(":") || segment.hasPrefix("{") { return "x" }
            return String(segment)
        }.joined(separator: "/")
    }
}

/// A router with auth on over a fresh store, its policy table, and an Authorization header value per caller.
private func withAuthRouter(
    _ body: @Sendable (Router<BasicRequestContext>, RoutePolicies, [Caller: String]) async throws -> Void
) async throws {
    // The token that expires is made while the clock reads 1,000 s; every request comes later.
    let clock = SteppedClock(start: 1_000_000)
    try await withTestApplication(auth: true, clock: clock) { app in
        let access = try #require(app.services.access)
        _ = try await app.services.projects.create(named: "vision")
        var tokens: [Caller: String] = [:]
        for (caller, role) in [(Caller.reader, Role.reader), (.writer, .writer), (.maintainer, .maintainer), (.admin, .admin)] {
            tokens[caller] = "Bearer " + (try await access.create(project: Project.defaultName, role: role, name: "\(caller)").plaintext)
        }
        tokens[.otherProject] = "Bearer " + (try await access.create(project: "vision", role: .admin).plaintext)
        tokens[.expired] = "Bearer " + (try await access.create(project: Project.defaultName, role: .admin, expiresAt: 1_000_500).plaintext)
        clock.advance(to: 2_000_000)
        let revoked = try await access.create(project: Project.defaultName, role: .admin)
        _ = try await access.revoke(id: revoked.token.id)
        tokens[.revoked] = "Bearer " + revoked.plaintext
        tokens[.badToken] = "Bearer stride_000000000000_notarealsecretnotarealsecretnotarealsecret0"
        // The API's routes alone: the web UI's pages answer HTML and sign-in redirects, not MLflow's errors.
        let services = app.services
        let policies = RoutePolicies()
        let router = StrideApplication.buildRouter(
            tracking: services.tracking, registry: services.registry, loggedModels: services.loggedModels, artifacts: services.artifacts,
            projects: services.projects, access: access, policies: policies)
        try await body(router, policies, tokens)
    }
}

/// A clock the test moves forward by hand.
private final class SteppedClock: TimeSource {
    private let now: Mutex<Int64>

    init(start: Int64) {
        now = Mutex(start)
    }

    func advance(to time: Int64) {
        now.withLock { $0 = time }
    }

    func nowMilliseconds() -> Int64 {
        now.withLock { $0 }
    }
}
