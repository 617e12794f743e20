public import Hummingbird
import Foundation
import HummingbirdCore
import Logging
public import StrideGraphQL
import StrideDomain
import StrideLocalArtifacts
public import StrideMLflowAPI
import StrideSQLite
public import StrideService
import StrideWebUI

/// The composition root: the one place that names concrete stores.
public enum StrideApplication {
    /// A built application plus the resources to release after it stops.
    struct Built: Sendable {
        var application: any ApplicationProtocol
        var shutdown: @Sendable () async throws -> Void

        /// Serves until SIGINT or SIGTERM, lets in-flight requests finish, then closes the store,
        /// also when serving failed (e.g. the address could not be bound).
        func run() async throws {
            do {
                try await application.runService()
            } catch {
                try? await shutdown()
                throw error
            }
            try await shutdown()
        }
    }

    /// The application over the store and artifact folder at `locations`, which exist by now;
    /// `onServerRunning` hears the bound port once the server listens.
    static func build(
        _ configuration: ServerConfiguration, locations: StorageLocations, logger: Logger,
        onServerRunning: @escaping @Sendable (_ boundPort: Int?) async -> Void
    ) async throws -> Built {
        AllocatorTuning.returnLargeBlocksToTheSystem()
        let backend = try await BackendStore.open(configuration, locations: locations, logger: logger)
        let store = backend.store
        do {
            let tracking = TrackingService(
                store: store,
                artifacts: ArtifactLocations(
                    defaultRoot: configuration.effectiveArtifactRoot, workingDirectory: FileManager.default.currentDirectoryPath))
            // The registry shares the tracking store's database, so one pool serves both.
            let loggedModels = LoggedModelService(store: store, tracking: tracking)
            let registry = RegistryService(store: store, tracking: tracking, loggedModels: loggedModels)
            let browse = BrowseService(store: store, tracking: tracking)
            let access = configuration.authEnabled ? AccessService(store: store) : nil
            try await tracking.bootstrap()
            let artifacts = try await artifactService(
                locations.artifactsDirectory, tracking: tracking, modelVersions: registry, loggedModels: loggedModels)
            let projects = ProjectService(store: store, artifacts: artifacts, access: access)

            let policies = RoutePolicies()
            let graphQL = try GraphQLEndpoint(tracking: tracking, registry: registry, artifacts: artifacts)
            let router = buildRouter(
                tracking: tracking, registry: registry, loggedModels: loggedModels, artifacts: artifacts, browse: browse, projects: projects,
                servesArtifacts: configuration.serveArtifacts, access: access, policies: policies, graphQL: graphQL,
                allowedHosts: AllowedHosts(patterns: configuration.allowedHosts, bindHost: configuration.host))
            // Deny by default: with auth on, a route registered without a declared policy stops startup.
            let unguarded = policies.unguardedRoutes(of: router)
            if access != nil, !unguarded.isEmpty {
                throw UnguardedRoutes(routes: unguarded)
            }
            let application = Application(
                router: router,
                server: TimedHTTP1Channel.builder(timeouts: configuration.connectionTimeouts),
                configuration: .init(
                    address: .hostname(configuration.host, port: configuration.port), serverName: "stride",
                    availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
                onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
                logger: frameworkLogger(logger))
            return Built(application: application, shutdown: backend.close)
        } catch {
            try? await backend.close()
            throw error
        }
    }

    /// The SQLite store at `path`, its failure to open named with the path.
    static func openStore(at path: String, busyTimeout: Double, logger: Logger) async throws -> SQLiteTrackingStore {
        do {
            return try await SQLiteTrackingStore.open(path: path, busyTimeout: busyTimeout, logger: logger)
        } catch {
            throw StartupFailure("The store \(path) could not be opened: \(error).")
        }
    }

    /// Hummingbird's logger: its info lines ("Server started and listening ...") repeat the one line
    /// Stride prints once bound, so at the default level it says only what goes wrong.
    private static func frameworkLogger(_ logger: Logger) -> Logger {
        var quieter = logger
        if logger.logLevel == .info { quieter.logLevel = .notice }
        return quieter
    }

    /// The artifact store in `directory`, and the service that also reads runs' and model
    /// versions' artifact URIs.
    static func artifactService(
        _ directory: String, tracking: TrackingService, modelVersions: any ModelVersionArtifactSource,
        loggedModels: LoggedModelService? = nil
    ) async throws -> ArtifactService {
        let store: LocalArtifactStore
        do {
            store = try await LocalArtifactStore.open(directory: directory)
        } catch {
            throw StartupFailure("The artifact folder \(directory) could not be opened: \(error).")
        }
        let destinationURL = URL(fileURLWithPath: directory).standardizedFileURL
        // Runs created with --no-serve-artifacts carry file: URIs below the destination; any spelling of it resolves.
        let resolver = ArtifactURIResolver(localRoots: [destinationURL.path, destinationURL.absoluteURL.path(percentEncoded: true), store.directory])
        return ArtifactService(store: store, tracking: tracking, resolver: resolver, modelVersions: modelVersions, loggedModels: loggedModels)
    }

    /// The HTTP routes over a tracking service and, when given, the registry and artifact
    /// services and (with `browse`) the web UI; tests drive this router without a socket.
    ///
    /// With `access` (auth on) every API route checks the caller's token against the role it
    /// declares, the web UI signs viewers in with the same tokens, and `policies` records every
    /// route's declaration, the UI's included. With `graphQL`, MLflow's GraphQL endpoint is served too;
    /// `allowedHosts` refuses other `Host` headers first.
    public static func buildRouter(
        tracking: TrackingService, registry: RegistryService? = nil, loggedModels: LoggedModelService? = nil, artifacts: ArtifactService? = nil,
        browse: BrowseService? = nil, projects: ProjectService? = nil, servesArtifacts: Bool = true, access: AccessService? = nil,
        policies: RoutePolicies = RoutePolicies(), graphQL: GraphQLEndpoint? = nil, allowedHosts: AllowedHosts? = nil
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let api = MLflowAPI(
            tracking: tracking, registry: registry, loggedModels: loggedModels, artifacts: artifacts, projects: projects, access: access,
            servesArtifacts: servesArtifacts)
        // Middleware wraps the routes added after it, so it goes first.
        if let allowedHosts, allowedHosts.isEnforced { router.add(middleware: HostCheckMiddleware(allowed: allowedHosts)) }
        router.add(middleware: SecurityHeadersMiddleware())
        let knownPaths = api.routePaths.union(graphQL == nil ? [] : [GraphQLEndpoint.path])
        router.add(middleware: MLflowErrorMiddleware(knownPaths: knownPaths, knownPathPrefixes: api.routePathPrefixes))
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
        let guarded = GuardedRouter(router: router, gate: access.map(AccessGate.init), policies: policies, projects: api.projectDirectory)
        api.register(on: guarded)
        if let graphQL {
            // Read-only queries, so a reader may send them; MLflow serves GET as well as POST.
            let answer: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
                try await graphQL.respond(to: request, project: ProjectContext.current)
            }
            guarded.on(GraphQLEndpoint.path, method: .post, access: .role(.reader), use: answer)
            guarded.on(GraphQLEndpoint.path, method: .get, access: .role(.reader), use: answer)
        }
        return router
    }
}

/// Startup refused: routes reached the router without a declared access policy.
public struct UnguardedRoutes: Error, CustomStringConvertible {
    public var routes: [String]
    public var description: String { "Refusing to start with auth on: routes without an access policy: \(routes.joined(separator: ", "))" }
}
