import Foundation
public import Logging
import Synchronization

/// `stride server` from a configuration to serving, in an order that leaves nothing behind when it
/// fails: check the store and artifact paths, check the address can be bound, create folders, open
/// the store, bind; a failure after creating anything removes what this start created.
public enum ServerStartup {
    /// Serves until SIGINT or SIGTERM. `announce` hears the lines for the user: once the address is
    /// bound, a new store's path (when this start created it), then the one line saying where
    /// Stride serves, stores and keeps artifacts, and whether auth is on.
    public static func serve(
        _ configuration: ServerConfiguration, logger: Logger, announce: @escaping @Sendable (String) -> Void
    ) async throws {
        let locations = try StorageLocations.inspect(configuration)
        let address = ListeningAddress(host: configuration.host, port: configuration.port)
        try await address.checkAvailable()
        let bound = BindSignal()
        let built = try await StrideApplication.buildApplication(configuration, logger: logger) { port in
            bound.mark()
            if !locations.storeExists { announce("Created a new store at \(locations.storeFile).") }
            announce(servingLine(configuration, locations: locations, url: address.url(boundPort: port)))
        }
        do {
            try await built.run()
        } catch {
            // Bound and served: the store is real now. Not bound: another process took the
            // address after the check, so this start takes back what it made.
            guard !bound.happened else { throw error }
            built.created.remove()
            throw address.failure(error)
        }
    }

    /// The line printed once the server listens.
    static func servingLine(_ configuration: ServerConfiguration, locations: StorageLocations, url: String) -> String {
        "Stride serves \(url) (store: \(locations.storeFile), artifacts: \(artifactsSummary(configuration, locations: locations)), "
            + "auth: \(configuration.authEnabled ? "on" : "off")); Ctrl-C stops it."
    }

    /// Where artifacts go, as the line says it.
    static func artifactsSummary(_ configuration: ServerConfiguration, locations: StorageLocations) -> String {
        let folder = locations.artifactsDirectory
        if let root = configuration.defaultArtifactRoot, !root.isEmpty {
            return configuration.serveArtifacts ? "\(root) for new experiments, \(folder) served" : "\(root) for new experiments"
        }
        return configuration.serveArtifacts ? folder : "\(configuration.effectiveArtifactRoot) (written by clients directly)"
    }
}

/// Whether the server got as far as listening, set from Hummingbird's `onServerRunning`.
private final class BindSignal: Sendable {
    private let state = Mutex(false)

    func mark() { state.withLock { $0 = true } }

    var happened: Bool { state.withLock { $0 } }
}
