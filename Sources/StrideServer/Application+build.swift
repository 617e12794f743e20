public import Hummingbird
import CoreMetrics
import Foundation
import HummingbirdCore
import StrideSQLite
public import Logging
public import StrideGraphQL
import StrideDomain
import StrideLocalArtifacts
public import StrideMLflowAPI
public import StrideService
public import StrideStore
import StrideWebUI

/// The services one Stride process runs, over the configured stores.
public struct StrideServices: Sendable {
    public var tracking: TrackingService
    public var registry: RegistryService
    public var loggedModels: LoggedModelService
    public var browse: BrowseService
    public var artifacts: ArtifactService
    public var projects: ProjectService
    /// Present with auth on.
    public var access: AccessService?
    /// MLflow 3 tracing, where the backend stores traces (SQLite and PostgreSQL both do).
    public var traces: TraceService?
    /// MLflow 3 evaluation datasets.
    public var evaluationDatasets: EvaluationDatasetService
}

/// A built application: what serves, the services behind it (tests seed data through them), and
/// the store to close once it stops.
public struct BuiltApplication {
    public let application: Application<RouterResponder<BasicRequestContext>>
    public let router: Router<BasicRequestContext>
    /// Every route's declared access, the web UI's included.
    public let policies: RoutePolicies
    public let services: StrideServices
    /// The backend store, for what only a store can show (tests of stored state).
    public let store: any BackendStore
    /// The folder served artifacts are kept in, absolute.
    public let artifactsDirectory: String
    /// What this build created on disk, to remove if serving never starts.
    let created: CreatedStorage
    /// Releases the artifact store's connections (an S3 client's pool).
    let closeArtifacts: @Sendable () async throws -> Void
    /// Hands freed heap back to the system once requests stop.
    let heapTrim: QuietSpellWatcher

    /// Closes the stores; call once the application has stopped (or was never run).
    public func close() async throws {
        heapTrim.stop()
        try? await closeArtifacts()
        try await store.close()
    }

    /// Serves until SIGINT or SIGTERM, lets in-flight requests finish, then closes the store,
    /// also when serving failed (e.g. the address could not be bound).
    func run() async throws {
        do {
            try await application.runService()
        } catch {
            try? await close()
            throw error
        }
        try await close()
    }
}

/// The composition root: the one place that builds the application from a configuration.
public enum StrideApplication {
    /// Builds the application a configuration describes: checks and creates its storage folders,
    /// opens the backend store through ``StoreFactory``, wires every service and the router. The
    /// server, the administration commands' store and every test build through here. `clock`
    /// stamps writes and token checks; `onServerRunning` hears the bound port once the server listens.
    public static func buildApplication(
        _ configuration: ServerConfiguration, logger: Logger, clock: any TimeSource = SystemTimeSource(),
        onServerRunning: @escaping @Sendable (_ boundPort: Int?) async -> Void = { _ in }
    ) async throws -> BuiltApplication {
        AllocatorTuning.returnLargeBlocksToTheSystem()
        AllocatorTuning.shareArenasBetweenThreads()
        let locations = try StorageLocations.inspect(configuration)
        let created = try CreatedStorage.create(locations)
        let metrics = ServerMetrics()
        let store: any BackendStore
        do {
            store = try await StoreFactory.open(configuration, file: locations.storeFile, logger: logger, metrics: metrics.factory)
        } catch {
            created.remove()
            throw error
        }
        var closeArtifacts: @Sendable () async throws -> Void = {}
        do {
            let openedArtifacts = try await openArtifactStore(configuration, locations: locations, logger: logger)
            closeArtifacts = openedArtifacts.close
            let services = try await services(
                configuration, store: store, artifacts: openedArtifacts, counters: UsageCounters(factory: metrics.factory), clock: clock)
            // Whatever the backend, a load leaves the heap's freed pages resident (request buffers,
            // decoded rows, a PostgreSQL connection's messages); they go back once requests stop.
            let heapTrim = QuietSpellWatcher()
            heapTrim.start {
                AllocatorTuning.returnFreedMemoryToTheSystem()
                return true
            }
            let policies = RoutePolicies()
            let graphQL = try GraphQLEndpoint(tracking: services.tracking, registry: services.registry, artifacts: services.artifacts)
            let router = buildRouter(
                tracking: services.tracking, registry: services.registry, loggedModels: services.loggedModels, artifacts: services.artifacts,
                browse: services.browse, projects: services.projects, servesArtifacts: configuration.serveArtifacts, access: services.access,
                policies: policies, graphQL: graphQL,
                allowedHosts: AllowedHosts(patterns: configuration.allowedHosts, bindHost: configuration.host), metrics: metrics,
                activity: heapTrim, traces: services.traces, evaluationDatasets: services.evaluationDatasets)
            // Deny by default: with auth on, a route registered without a declared policy stops startup.
            let unguarded = policies.unguardedRoutes(of: router)
            if services.access != nil, !unguarded.isEmpty {
                throw UnguardedRoutes(routes: unguarded)
            }
            let application = Application(
                router: router,
                server: TimedHTTP1Channel.builder(timeouts: configuration.connectionTimeouts),
                configuration: .init(
                    address: .hostname(configuration.host, port: configuration.port), serverName: "stride",
                    availableConnectionsDelegate: CountedConnections(maxConnections: configuration.maxConnections, metrics: metrics)),
                onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
                logger: frameworkLogger(logger))
            return BuiltApplication(
                application: application, router: router, policies: policies, services: services, store: store,
                artifactsDirectory: locations.artifactsDirectory, created: created, closeArtifacts: closeArtifacts, heapTrim: heapTrim)
        } catch {
            try? await closeArtifacts()
            try? await store.close()
            created.remove()
            throw error
        }
    }

    /// Every service over `store` and the artifact store, the `Default` experiment created.
    private static func services(
        _ configuration: ServerConfiguration, store: any BackendStore, artifacts openedArtifacts: OpenedArtifactStore,
        counters: UsageCounters, clock: any TimeSource
    ) async throws -> StrideServices {
        let tracking = TrackingService(
            store: store,
            artifacts: ArtifactLocations(
                defaultRoot: configuration.effectiveArtifactRoot, workingDirectory: FileManager.default.currentDirectoryPath),
            clock: clock, counters: counters)
        // The registry shares the tracking store's database, so one pool serves both.
        let loggedModels = LoggedModelService(store: store, tracking: tracking, clock: clock)
        let registry = RegistryService(store: store, tracking: tracking, loggedModels: loggedModels, clock: clock)
        let access = configuration.authEnabled ? AccessService(store: store, clock: clock) : nil
        try await tracking.bootstrap()
        let artifacts = ArtifactService(
            store: openedArtifacts.store, tracking: tracking, resolver: openedArtifacts.resolver, modelVersions: registry,
            loggedModels: loggedModels)
        let traces = (store as? any TraceStore).map { TraceService(store: $0, tracking: tracking, clock: clock) }
        return StrideServices(
            tracking: tracking, registry: registry, loggedModels: loggedModels, browse: BrowseService(store: store, tracking: tracking),
            artifacts: artifacts, projects: ProjectService(store: store, clock: clock, artifacts: artifacts, access: access), access: access,
            traces: traces, evaluationDatasets: EvaluationDatasetService(store: store, tracking: tracking, clock: clock))
    }

    /// The SQLite store at `path`, its failure to open named with the path.
    static func openStore(
        at path: String, busyTimeout: Double, logger: Logger, metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) async throws -> SQLiteTrackingStore {
        do {
            return try await SQLiteTrackingStore.open(path: path, busyTimeout: busyTimeout, logger: logger, metrics: metrics)
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
        let opened = try await openLocalArtifactStore(directory)
        return ArtifactService(store: opened.store, tracking: tracking, resolver: opened.resolver, modelVersions: modelVersions, loggedModels: loggedModels)
    }

    /// Runs created with --no-serve-artifacts carry file: URIs below the destination; any spelling of it resolves.
    static func artifactURIResolver(_ directory: String, store: LocalArtifactStore) -> ArtifactURIResolver {
        let destinationURL = URL(fileURLWithPath: directory).standardizedFileURL
        return ArtifactURIResolver(localRoots: [destinationURL.path, destinationURL.absoluteURL.path(percentEncoded: true), store.directory])
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
        policies: RoutePolicies = RoutePolicies(), graphQL: GraphQLEndpoint? = nil, allowedHosts: AllowedHosts? = nil,
        metrics: ServerMetrics? = nil, activity: QuietSpellWatcher? = nil,
        traces: TraceService? = nil, evaluationDatasets: EvaluationDatasetService? = nil
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let api = MLflowAPI(
            tracking: tracking, registry: registry, loggedModels: loggedModels, artifacts: artifacts, projects: projects, access: access,
            servesArtifacts: servesArtifacts, traces: traces, evaluationDatasets: evaluationDatasets)
        // Middleware wraps the routes added after it, so it goes first. Placement is outermost, so
        // that every middleware runs on the thread the request's work runs on; then the request id
        // and the request counts, so that they see every answer.
        router.add(middleware: RequestPlacementMiddleware(eventLoopRoutes: api.smallRequestRoutes))
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics, activity: activity))
        if let allowedHosts, allowedHosts.isEnforced { router.add(middleware: HostCheckMiddleware(allowed: allowedHosts)) }
        router.add(middleware: SecurityHeadersMiddleware())
        let knownPaths = api.routePaths.union(graphQL == nil ? [] : [GraphQLEndpoint.path]).union(metrics == nil ? [] : [ServerMetrics.path])
        router.add(middleware: MLflowErrorMiddleware(knownPaths: knownPaths, knownPathPrefixes: api.routePathPrefixes))
        router.add(middleware: LogRequestsMiddleware(.debug))
        if let browse {
            let signIn = access.map { WebSignIn(access: $0, projects: projects) }
            let ui = WebUI(
                tracking: tracking, browse: browse, registry: registry, loggedModels: loggedModels, artifacts: artifacts, traces: traces, signIn: signIn,
                projects: projects, apiVersion: MLflowAPI.reportedMLflowVersion)
            // Inside MLflow's error middleware: a miss under the UI's paths becomes an HTML page first.
            router.add(middleware: WebUINotFoundMiddleware(ui: ui))
            ui.register(on: router) { method, path, role in
                policies.record(method: method, path: path, access: role.map(RouteAccess.role) ?? .anyone)
            }
        }
        let guarded = GuardedRouter(router: router, gate: access.map(AccessGate.init), policies: policies, projects: api.projectDirectory)
        api.register(on: guarded)
        if let metrics {
            guarded.on(ServerMetrics.path, method: .get, access: .role(.reader)) { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
            }
        }
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
