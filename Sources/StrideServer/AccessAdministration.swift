import Foundation
public import Logging
public import StrideService
import StrideStore

/// Projects and tokens administered from the command line (`stride token`, `stride project`),
/// on the database `stride server` uses. The server reads what these write: a revocation reaches
/// a running server within its token cache's lifetime (one second).
public enum AccessAdministration {
    /// Opens the configuration's backend store (creating it as the server would, and saying so
    /// through `announce`), runs `body` with the services over it, and closes the store.
    public static func withServices<Result: Sendable>(
        _ configuration: ServerConfiguration, logger: Logger, announce: @Sendable (String) -> Void,
        _ body: (_ tokens: AccessService, _ projects: ProjectService) async throws -> Result
    ) async throws -> Result {
        let storeOnly = try StorageLocations.inspect(configuration, includingArtifacts: false)
        return try await StoreSession.with(configuration, locations: storeOnly, logger: logger, announce: announce) { store in
            try await body(AccessService(store: store), ProjectService(store: store))
        }
    }
}
