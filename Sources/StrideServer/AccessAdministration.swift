import Foundation
public import Logging
import StrideSQLite
public import StrideService

/// Projects and tokens administered from the command line (`stride token`, `stride project`),
/// on the database `stride server` uses. The server reads what these write: a revocation reaches
/// a running server within its token cache's lifetime (one second).
public enum AccessAdministration {
    /// Opens the configuration's backend store (creating it as the server would), runs `body`
    /// with the services over it, and closes the store.
    public static func withServices<Result: Sendable>(
        _ configuration: ServerConfiguration, logger: Logger,
        _ body: (_ tokens: AccessService, _ projects: ProjectService) async throws -> Result
    ) async throws -> Result {
        switch try configuration.backend() {
        case .sqlite(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let store = try await SQLiteTrackingStore.open(path: path, logger: logger)
            do {
                let result = try await body(AccessService(store: store), ProjectService(store: store))
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        }
    }
}
