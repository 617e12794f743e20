public import Foundation
public import Logging
public import StrideServer
public import StrideService
public import StrideStore

/// A fresh folder for one test's store and artifacts.
public struct TestFolder: Sendable {
    public let url: URL

    /// Creates `<temporary folder>/stride-<label>-<uuid>`.
    public init(_ label: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("stride-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var path: String { url.path }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

extension ServerConfiguration {
    /// The server a test builds: an SQLite store and an artifact folder inside `folder`, and every
    /// Host header answered (router tests send none).
    public static func testing(in folder: TestFolder, auth: Bool = false) -> ServerConfiguration {
        var configuration = ServerConfiguration(
            backendStoreURI: "sqlite:///\(folder.path)/stride.db",
            artifactsDestination: folder.path + "/artifacts", authEnabled: auth)
        configuration.allowedHosts = ["*"]
        return configuration
    }
}

/// Builds the application over a fresh folder with the one composition root the server uses
/// (``StrideApplication/buildApplication(_:logger:clock:onServerRunning:)``), runs `body`, then
/// closes the store and removes the folder, also when `body` throws.
public func withTestApplication<Result>(
    auth: Bool = false, clock: any TimeSource = SystemTimeSource(), _ body: (BuiltApplication) async throws -> Result
) async throws -> Result {
    let folder = try TestFolder("test")
    defer { folder.remove() }
    let built = try await StrideApplication.buildApplication(
        .testing(in: folder, auth: auth), logger: Logger(label: "test"), clock: clock)
    let result: Result
    do {
        result = try await body(built)
    } catch {
        try? await built.close()
        throw error
    }
    try await built.close()
    return result
}

/// Opens the backend store `uri` names through ``StoreFactory``, as the server opens its own;
/// for an SQLite URI, the file is `uri`'s path.
public func openTestStore(uri: String) async throws -> any BackendStore {
    let configuration = ServerConfiguration(backendStoreURI: uri)
    return try await StoreFactory.open(configuration, file: StoreFactory.recipe(for: configuration).file, logger: Logger(label: "test"))
}
