public import Hummingbird
import Foundation
public import Logging
import StrideLocalArtifacts
public import StrideMLflowAPI
import StrideSQLite
public import StrideService
import StrideWebUI

/// The composition root: the one place that names concrete stores.
public enum StrideApplication {
    /// A built application plus the resources to release after it stops.
    public struct Built: Sendable {
        public var application: any ApplicationProtocol
        var shutdown: @Sendable () async throws -> Void

        /// Serves until SIGINT or SIGTERM, lets in-flight requests finish, then closes the store.
        public func run() async throws {
            try await application.runService()
            try await shutdown()
        }
    }

    public static func build(_ configuration: ServerConfiguration, logger: Logger) async throws -> Built {
        AllocatorTuning.returnLargeBlocksToTheSystem()
        let tracking: TrackingService
        let registry: RegistryService
        let loggedModels: LoggedModelService
        let browse: BrowseService
        let projects: ProjectService
        var access: AccessService?
        let closeStore: @Sendable () async throws -> Void
        switch try configuration.backend() {
        case .sqlite(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let store = try await SQLiteTrackingStore.open(path: path, logger: logger)
            tracking = TrackingService(
                store: store,
                artifacts: ArtifactLocations(
                    defaultRoot: configuration.effectiveArtifactRoot, workingDirectory: FileManager.default.currentDirectoryPath))
            // The registry shares the tracking store's database, so one pool serves both.
            loggedModels = LoggedModelService(store: store, tracking: tracking)
            registry = RegistryService(store: store, tracking: tracking, loggedModels: loggedModels)
            browse = BrowseService(store: store, tracking: tracking)
            projects = ProjectService(store: store)
            if configuration.authEnabled { access = AccessService(store: store) }
            closeStore = { try await store.close() }
        }
        try await tracking.bootstrap()
        let artifacts = try await artifactService(configuration, tracking: tracking, modelVersions: registry, loggedModels: loggedModels)

        let policies = RoutePolicies()
        let router = buildRouter(
            tracking: tracking, registry: registry, loggedModels: loggedModels, artifacts: artifacts, browse: browse, projects: projects,
            servesArtifacts: configuration.serveArtifacts, access: access, policies: policies)
        // Deny by default: with auth on, a route registered without a declared policy stops startup.
        let unguarded = policies.unguardedRoutes(of: router)
        if access != nil, !unguarded.isEmpty {
            throw UnguardedRoutes(routes: unguarded)
        }
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "stride"),
            logger: logger)
        return Built(application: application, shutdown: closeStore)
    }

    /// The artifact store at the destination, and the service that also reads runs' and model
    /// versions' artifact URIs.
    static func artifactService(
        _ configuration: ServerConfiguration, tracking: TrackingService, modelVersions: any ModelVersionArtifactSource,
        loggedModels: LoggedModelService? = nil
    ) async throws -> ArtifactService {
        let destination = try configuration.artifactsDestinationDirectory()
        let store = try await LocalArtifactStore.open(directory: destination)
        let destinationURL = URL(fileURLWithPath: destination).standardizedFileURL
        // Runs created with --no-serve-artifacts carry file: URIs below the destination; any spelling of it resolves.
        let resolver = ArtifactURIResolver(localRoots: [destinationURL.path, destinationURL.absoluteURL.path(percentEncoded: true), store.directory])
        return ArtifactService(store: store, tracking: tracking, resolver: resolver, modelVersions: modelVersions, loggedModels: loggedModels)
    }

    /// The HTTP routes over a tracking service and, when given, the registry and artifact
    /// services and (with `browse`) the web UI; tests drive this router without a socket.
    ///
    /// With `access` (auth on) every API route checks the caller's token against the role it
    /// declares, the web UI signs viewers in with the same tokens, and `policies` records every
    /// route's declaration, the UI's included.
    public static func buildRouter(
        tracking: TrackingService, registry: RegistryService? = nil, loggedModels: LoggedModelService? = nil, artifacts: ArtifactService? = nil,
        browse: BrowseService? = nil, projects: ProjectService? = nil, servesArtifacts: Bool = true, access: AccessService? = nil,
        policies: RoutePolicies = RoutePolicies()
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let api = MLflowAPI(
            tracking: tracking, registry: registry, loggedModels: loggedModels, artifacts: artifacts, projects: projects, access: access,
            servesArtifacts: servesArtifacts)
        // Middleware wraps the routes added after it, so it goes first.
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: MLflowErrorMiddleware(knownPaths: api.routePaths, knownPathPrefixes: api.routePathPrefixes))
        router.add(middleware: LogRequestsMiddleware(.debug))
        if let browse {
            let signIn = access.map { WebSignIn(access: $0, projects: projects) }
            let ui = WebUI(
                tracking: tracking, browse: browse, registry: registry, loggedModels: loggedModels, artifacts: artifacts, signIn: signIn,
                projects: projects, apiVersion: MLflowAPI.reportedMLflowVersion)
            // Inside MLflow's error middleware: a miss under the UI's paths becomes an HTML page first.
            router.add(middleware: WebUINotFoundMiddleware(ui: ui))
            ui.register(on: router) { method, path, role in
                policies.record(method: method, path: path, access: role.map(RouteAccess.role) ?? .anyone)
            }
        }
        api.register(on: GuardedRouter(router: router, gate: access.map(AccessGate.init), policies: policies, projects: api.projectDirectory))
        return router
    }
}

/// Startup refused: routes reached the router without a declared access policy.
public struct UnguardedRoutes: Error, CustomStringConvertible {
    public var routes: [String]
    public var description: String { "Refusing to start with auth on: routes without an access policy: \(routes.joined(separator: ", "))" }
}
