import AsyncHTTPClient
import Foundation
import Logging
import StrideLocalArtifacts
import StrideS3Artifacts
import StrideService
import StrideStore

/// The artifact store a configuration names, the URI roots that resolve into it, and what to release at shutdown.
struct OpenedArtifactStore: Sendable {
    var store: any ArtifactStore
    var resolver: ArtifactURIResolver
    var close: @Sendable () async throws -> Void
}

extension StrideApplication {
    /// Opens the local folder or the S3 bucket the configuration names. An S3 bucket that refuses the
    /// credentials or does not exist is reported in the log, not fatal: requests then answer 503.
    static func openArtifactStore(_ configuration: ServerConfiguration, locations: StorageLocations, logger: Logger) async throws -> OpenedArtifactStore {
        switch try configuration.artifactStorage() {
        case .local:
            return try await openLocalArtifactStore(locations.artifactsDirectory)
        case .s3(let location):
            let http = S3Client.makeHTTPClient()
            do {
                let client = try S3Client(configuration: configuration.s3.clientConfiguration(for: location), http: http, logger: logger)
                let store = S3ArtifactStore(client: client, presignsParts: !configuration.s3.proxyMultipartParts)
                do {
                    try await store.checkReachable()
                } catch {
                    logger.warning("The artifact bucket cannot be used yet; artifact requests answer 503 until it can: \(error)")
                }
                return OpenedArtifactStore(
                    store: store, resolver: ArtifactURIResolver(localRoots: [], uriRoots: [store.rootURI]), close: { try await http.shutdown() })
            } catch let failure as S3ConfigurationError {
                try? await http.shutdown()
                throw StartupFailure("\(failure).")
            }
        }
    }

    /// The artifact folder `directory`, opened; runs created with `--no-serve-artifacts` carry `file:`
    /// URIs below it, and any spelling of it resolves.
    static func openLocalArtifactStore(_ directory: String) async throws -> OpenedArtifactStore {
        let store: LocalArtifactStore
        do {
            store = try await LocalArtifactStore.open(directory: directory)
        } catch {
            throw StartupFailure("The artifact folder \(directory) could not be opened: \(error).")
        }
        return OpenedArtifactStore(store: store, resolver: artifactURIResolver(directory, store: store), close: {})
    }
}
