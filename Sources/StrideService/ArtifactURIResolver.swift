public import StrideDomain

/// Maps the artifact URIs Stride hands out back to paths in its own artifact store.
///
/// Runs carry `mlflow-artifacts:/<exp>/<run>/artifacts` when Stride proxies artifacts, or a `file:`
/// URI below the artifacts destination with `--no-serve-artifacts`; both name files Stride can serve.
/// With an S3 store, `s3://` URIs below its root (written by clients with `--no-serve-artifacts`) too.
/// Anything else (another bucket, a folder elsewhere) is out of reach and resolves to nil.
public struct ArtifactURIResolver: Sendable {
    /// Absolute local directories that hold the store's root, as URIs may spell it.
    let localRoots: [String]
    /// URIs of the store's root in an object store (`s3://bucket/prefix`), whose keys are not percent-encoded.
    let uriRoots: [String]

    public init(localRoots: [String], uriRoots: [String] = []) {
        self.localRoots = localRoots.map { $0.count > 1 && $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.uriRoots = uriRoots.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    /// The store path a URI names, nil if the URI lies outside the store, or a 400 if its path is hostile.
    public func storePath(for uri: String) throws(StrideError) -> ArtifactPath? {
        if uri.hasPrefix(Self.proxiedScheme) {
            var rest = uri.dropFirst(Self.proxiedScheme.count)
            if rest.hasPrefix("//") {
                // `mlflow-artifacts://host:port/path`: the authority names a server, not a folder.
                rest = rest.dropFirst(2)
                rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? ""
            }
            return try ArtifactPath(percentEncoded: rest.drop { $0 == "/" })
        }
        for root in uriRoots {
            if uri == root || uri == root + "/" { return .root }
            if uri.hasPrefix(root + "/") { return try ArtifactPath(validating: String(uri.dropFirst(root.count + 1))) }
        }
        let localPath: Substring
        if uri.hasPrefix("file://") {
            localPath = uri.dropFirst("file://".count)
        } else if uri.hasPrefix("/") {
            localPath = uri[...]
        } else {
            return nil
        }
        for root in localRoots {
            if localPath == root { return .root }
            if localPath.hasPrefix(root + "/") {
                return try ArtifactPath(percentEncoded: localPath.dropFirst(root.count + 1))
            }
        }
        return nil
    }

    static let proxiedScheme = "mlflow-artifacts:"
}
