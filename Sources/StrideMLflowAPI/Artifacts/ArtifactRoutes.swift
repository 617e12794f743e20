import HTTPTypes
import Hummingbird
import StrideDomain
import StrideService

/// MLflow's artifact routes: the `mlflow-artifacts` proxy API and the UI's download helpers.
///
/// These are raw Hummingbird routes rather than `MLflowEndpoint`s: uploads and downloads stream their
/// bodies, and the artifact path is the tail of the URL. Errors still leave as MLflow's JSON through
/// `MLflowErrorMiddleware`.
struct ArtifactRoutes: Sendable {
    let artifacts: ArtifactService
    /// Off with `--no-serve-artifacts`: clients write to the destination themselves, and the proxy
    /// API answers 503 as MLflow's does.
    let isServing: Bool

    /// MLflow serves the proxy API for the client (`/api`) and for its web UI (`/ajax-api`).
    static let prefixes = ["/api", "/ajax-api"]
    static let artifactsRoot = "/2.0/mlflow-artifacts/artifacts"
    static let multipartRoot = "/2.0/mlflow-artifacts/mpu"
    static let presignedRoot = "/2.0/mlflow-artifacts/presigned"
    /// Where multipart clients PUT each part; Stride's stand-in for S3's presigned part URLs.
    static let partUploadRoot = multipartRoot + "/upload"

    /// Paths served exactly, for telling "wrong method" from "no such route".
    var exactPaths: [String] {
        Self.prefixes.map { $0 + Self.artifactsRoot } + Self.runArtifactListPaths + ["/get-artifact", "/model-versions/get-artifact"]
            + [Self.uploadPath, Self.loggedModelFilePath] + Self.loggedModelListPaths
    }

    /// Path prefixes whose every extension is served with some method.
    var pathPrefixes: [String] {
        Self.prefixes.flatMap { [$0 + Self.artifactsRoot + "/", $0 + Self.multipartRoot + "/", $0 + Self.presignedRoot + "/"] }
    }

    func register<Context: RequestContext>(on router: GuardedRouter<Context>) {
        for prefix in Self.prefixes {
            registerTransfers(on: router, root: prefix + Self.artifactsRoot)
            registerMultipart(on: router, root: prefix + Self.multipartRoot)
            router.on(prefix + Self.presignedRoot + "/**", method: .get, access: .role(.reader)) { _, _ -> Response in
                if let refusal = self.refusalUnlessServing() { return refusal }
                throw StrideError(.notImplemented, "Presigned downloads are not supported for the current artifact repository")
            }
        }
        registerUIHelpers(on: router)
    }

    /// MLflow's `_disable_unless_serve_artifacts`: with `--no-serve-artifacts` the proxy API answers 503.
    func refusalUnlessServing() -> Response? {
        guard !isServing else { return nil }
        return MLflowErrorResponse.make(
            code: "TEMPORARILY_UNAVAILABLE",
            message: "Artifact serving is disabled. Run `stride server` without `--no-serve-artifacts` to enable.",
            status: .serviceUnavailable)
    }

    /// The artifact path in the URL after `root`, validated; a trailing `/` (a directory) is dropped.
    static func artifactPath(of request: Request, after root: String) throws(StrideError) -> ArtifactPath {
        var path = request.uri.path[...]
        // Under `/projects/<name>` the route's root follows the prefix.
        if path.hasPrefix("/projects/"), let end = path.dropFirst("/projects/".count).firstIndex(of: "/") {
            path = path[end...]
        }
        guard path.hasPrefix(root) else { throw ArtifactPath.invalidPath }
        var tail = path.dropFirst(root.count)
        if tail.hasPrefix("/") { tail = tail.dropFirst() }
        if tail.hasSuffix("/") { tail = tail.dropLast() }
        return try ArtifactPath(percentEncoded: tail)
    }
}
