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
import Testing

@Suite("Web UI: sign-in, projects and roles with auth on")
struct SignInTests {
    @Test("every UI route is in the server's policy table, so startup accepts the router")
    func uiRoutesAreDeclared() async throws {
        try await withSignedUI { app in
            #expect(app.policies.unguardedRoutes(of: app.router).isEmpty)
            let declared = Set(app.policies.all.map(\.route))
            #expect(declared.contains("GET /experiments/{experiment_id}"))
            #expect(app.policies.access(method: .post, path: "/runs/delete") == .role(.maintainer))
            #expect(app.policies.access(method: .get, path: "/login") == .anyone)
        }
    }

    @Test("without a session a page redirects to the sign-in page, which names where to return")
    func pagesNeedASession() async throws {
        try await withSignedUI { app in
            try await app.client { app, client in
                let response = try await client.execute(uri: "/experiments/1?view=all", method: .get)
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/login?next=%2Fexperiments%2F1%3Fview%3Dall")
                let login = try await client.page("/login?next=/models")
                #expect(login.status == .ok)
                #expect(login.contains(#"name="next" value="/models""#))
                #expect(!login.contains("Sign out"))
            }
        }
    }

    @Test("signing in sets an HTTP-only, SameSite=Strict cookie; a bad token is refused on the page")
    func signingIn() async throws {
        try await withSignedUI { app in
            try await app.client { app, client in
                let bad = try await client.submit("/login", "password=stride_000000000000_nope&next=%2F")
                #expect(bad.status == .unauthorized)
                #expect(String(buffer: bad.body).contains("not valid"))

                let good = try await client.submit("/login", "username=ann&password=\(app.tokens["vision-reader"]!)&next=%2Fmodels")
                #expect(good.status == .seeOther)
                #expect(good.headers[.location] == "/models")
                let cookie = try #require(good.headers[values: .setCookie].first { $0.hasPrefix("stride_token=") })
                #expect(cookie.contains("HttpOnly"))
                #expect(cookie.contains("SameSite=Strict"))
                #expect(!cookie.contains("Domain"))
            }
        }
    }

    @Test("a reader sees its project's experiments, no create or delete forms, and is refused those actions")
    func readerSeesAndIsRefused() async throws {
        try await withSignedUI { app in
            try await app.client { app, client in
                let reader = app.cookie("vision-reader")
                let home = try await client.page("/", cookie: reader)
                #expect(home.status == .ok)
                #expect(home.contains("vision-experiment"))
                #expect(!home.contains("default-experiment"), "another project's experiments stay out")
                #expect(home.contains(#"<span class="project">vision</span>"#))
                #expect(home.contains(#"<span class="role">reader</span>"#))
                #expect(!home.contains("Create experiment"))
                #expect(!home.contains(">Delete<"))

                let create = try await client.submit("/experiments/create", "name=nope", cookie: reader)
                #expect(create.status == .forbidden)
                let maintainerPage = try await client.page("/", cookie: app.cookie("vision-maintainer"))
                #expect(maintainerPage.contains("Create experiment") && maintainerPage.contains(">Delete<"))
            }
        }
    }

    @Test("another project's experiment or run is not found, as a missing one")
    func foreignIDsAreMissing() async throws {
        try await withSignedUI { app in
            try await app.client { app, client in
                let reader = app.cookie("vision-reader")
                #expect(try await client.page("/experiments/\(app.defaultExperiment)", cookie: reader).status == .notFound)
                #expect(try await client.page("/runs/\(app.defaultRun)", cookie: reader).status == .notFound)
                let compare = try await client.page("/compare?run=\(app.defaultRun)", cookie: reader)
                #expect(!compare.contains(app.defaultRun))
            }
        }
    }

    @Test("a form posted from another site is refused, signed in or not")
    func crossSiteFormsAreRefused() async throws {
        try await withSignedUI { app in
            try await app.client { app, client in
                let forged = try await client.execute(
                    uri: "/experiments/create", method: .post,
                    headers: [
                        .contentType: "application/x-www-form-urlencoded", .cookie: app.cookie("vision-maintainer"),
                        .origin: "https://attacker.example", HTTPField.Name("Sec-Fetch-Site")!: "cross-site",
                    ],
                    body: ByteBuffer(string: "name=forged"))
                #expect(forged.status == .forbidden)
                #expect(String(buffer: forged.body).contains("another site"))
            }
        }
    }

    @Test("the server admin switches between projects; others cannot")
    func projectSwitching() async throws {
        try await withSignedUI { app in
            try await app.client { app, client in
                let admin = app.cookie("default-admin")
                let home = try await client.page("/", cookie: admin)
                #expect(home.contains(#"<option value="vision">vision</option>"#))
                #expect(home.contains("default-experiment"))
                let switched = try await client.submit("/switch-project", "project=vision", cookie: admin)
                #expect(switched.status == .seeOther)
                let selection = try #require(switched.headers[values: .setCookie].first { $0.hasPrefix("stride_project=vision") })
                let visionHome = try await client.page("/", cookie: admin + "; " + selection.prefix { $0 != ";" })
                #expect(visionHome.contains("vision-experiment") && !visionHome.contains("default-experiment"))

                let refused = try await client.submit("/switch-project", "project=default", cookie: app.cookie("vision-reader"))
                #expect(refused.status == .notFound)
            }
        }
    }

    @Test("without auth the header offers every project, and switching shows that project's experiments")
    func projectSwitchingWithoutAuth() async throws {
        try await withSignedUI(auth: false) { app in
            try await app.client { app, client in
                let home = try await client.page("/")
                #expect(home.contains(#"<option value="vision">vision</option>"#))
                #expect(home.contains("default-experiment") && !home.contains("vision-experiment"))
                #expect(!home.contains("Sign out"))
                let switched = try await client.submit("/switch-project", "project=vision")
                let selection = try #require(switched.headers[values: .setCookie].first { $0.hasPrefix("stride_project=vision") })
                let visionHome = try await client.page("/", cookie: String(selection.prefix { $0 != ";" }))
                #expect(visionHome.contains("vision-experiment") && !visionHome.contains("default-experiment"))
                #expect(try await client.submit("/switch-project", "project=nowhere").status == .notFound)
            }
        }
    }
}

/// A server with auth on and the UI mounted: project `vision` with one experiment, `default` with
/// one experiment and run, and tokens by name.
private struct SignedUI {
    var router: Router<BasicRequestContext>
    var policies: RoutePolicies
    var data: SignedUIData

    var tokens: [String: String] { data.tokens }
    var defaultExperiment: String { data.defaultExperiment }
    var defaultRun: String { data.defaultRun }

    func cookie(_ token: String) -> String { data.cookie(token) }

    /// Runs `body` with a client; it gets the fixture's plain data, which may cross into the test task.
    func client(_ body: @escaping @Sendable (SignedUIData, any TestClientProtocol) async throws -> Void) async throws {
        let data = self.data
        try await Application(router: router).test(.router) { client in try await body(data, client) }
    }
}

private struct SignedUIData: Sendable {
    var tokens: [String: String]
    var defaultExperiment: String
    var defaultRun: String

    func cookie(_ token: String) -> String { "stride_token=\(tokens[token]!)" }
}

private func withSignedUI(auth: Bool = true, _ body: (SignedUI) async throws -> Void) async throws {
    try await withTestApplication(auth: auth) { app in
        let services = app.services
        let tracking = services.tracking
        _ = try await services.projects.create(named: "vision")
        // With auth off the server has no access service; the tokens are made as `stride token` makes them.
        let access = services.access ?? AccessService(store: app.store)
        var tokens: [String: String] = [:]
        for role in [Role.reader, .maintainer] {
            tokens["vision-\(role.name)"] = try await access.create(project: "vision", role: role).plaintext
        }
        tokens["default-admin"] = try await access.create(project: Project.defaultName, role: .admin).plaintext
        _ = try await tracking.createExperiment(name: "vision-experiment", artifactLocation: nil, tags: [], project: "vision")
        let defaultExperiment = try await tracking.seedExperiment("default-experiment")
        let defaultRun = try await tracking.seedRun(experimentID: defaultExperiment, name: "default-run")
        try await body(SignedUI(
            router: app.router, policies: app.policies,
            data: SignedUIData(tokens: tokens, defaultExperiment: defaultExperiment, defaultRun: defaultRun)))
    }
}

extension TestClientProtocol {
    fileprivate func page(_ path: String, cookie: String) async throws -> Page {
        let response = try await execute(uri: path, method: .get, headers: [.cookie: cookie])
        return Page(status: response.status, html: String(buffer: response.body), headers: response.headers)
    }

    fileprivate func submit(_ path: String, _ fields: String, cookie: String) async throws -> TestResponse {
        try await execute(
            uri: path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
            body: ByteBuffer(string: fields))
    }
}
