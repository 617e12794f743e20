import AsyncHTTPClient
import Foundation
import Logging
import StrideLocalArtifacts
import StrideS3Artifacts
import StrideStore
import StrideTesting
import Testing

/// An artifact store backend the contract suite runs against: every artifact contract test takes each one.
///
/// A new backend adds one entry to ``all`` that opens a fresh, empty store. S3 is listed only when
/// `STRIDE_TEST_S3_ENDPOINT` names an S3 server (`scripts/with-moto` starts moto and sets it, with
/// `STRIDE_TEST_S3_BUCKET` and test credentials).
struct ArtifactBackend: Sendable, CustomTestStringConvertible {
    var name: String
    /// Opens a fresh store, and what removes it after the test.
    var open: @Sendable () async throws -> (store: any ArtifactStore, remove: @Sendable () async -> Void)

    var testDescription: String { name }

    static let all: [ArtifactBackend] = [localDisk] + (s3Endpoint.map { [s3(endpoint: $0)] } ?? [])

    static let localDisk = ArtifactBackend(name: "local disk") {
        let folder = try TestFolder("artifact-contract")
        return (try await LocalArtifactStore.open(directory: folder.path), { folder.remove() })
    }

    static let s3Endpoint = ProcessInfo.processInfo.environment["STRIDE_TEST_S3_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }

    /// A store below a fresh prefix of the test bucket; its objects stay there (the bucket is moto's, gone with it).
    static func s3(endpoint: String) -> ArtifactBackend {
        ArtifactBackend(name: "s3") {
            let environment = ProcessInfo.processInfo.environment
            let configuration = S3Configuration(
                location: S3Location(bucket: environment["STRIDE_TEST_S3_BUCKET"] ?? "stride-tests", prefix: "contract/\(UUID().uuidString)"),
                endpointURL: endpoint,
                credentials: .fixed(S3Credentials(
                    accessKeyID: environment["AWS_ACCESS_KEY_ID"] ?? "testing", secretAccessKey: environment["AWS_SECRET_ACCESS_KEY"] ?? "testing")))
            let http = S3Client.makeHTTPClient()
            do {
                let client = try S3Client(configuration: configuration, http: http, logger: Logger(label: "artifact-contract"))
                return (S3ArtifactStore(client: client), { try? await http.shutdown() })
            } catch {
                try? await http.shutdown()
                throw error
            }
        }
    }
}
