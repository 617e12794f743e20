public import Hummingbird
import Foundation
public import Logging
import StrideMLflowAPI
import StrideSQLite
public import StrideService

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
        let tracking: TrackingService
        let closeStore: @Sendable () async throws -> Void
        switch try configuration.backend() {
        case .sqlite(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let store = try await SQLiteTrackingStore.open(path: path, logger: logger)
            tracking = TrackingService(store: store, artifacts: ArtifactLocations(defaultRoot: configuration.effectiveArtifactRoot))
            closeStore = { try await store.close() }
        }
        try FileManager.default.createDirectory(atPath: configuration.artifactsDestination, withIntermediateDirectories: true)
        try await tracking.bootstrap()

        let router = buildRouter(tracking: tracking)
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "stride"),
            logger: logger)
        return Built(application: application, shutdown: closeStore)
    }

    /// The HTTP routes over a tracking service; tests drive this router without a socket.
    public static func buildRouter(tracking: TrackingService) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let api = MLflowAPI(tracking: tracking)
        // Middleware wraps the routes added after it, so it goes first.
        router.add(middleware: MLflowErrorMiddleware(knownPaths: api.routePaths))
        router.add(middleware: LogRequestsMiddleware(.debug))
        api.register(on: router)
        return router
    }
}
