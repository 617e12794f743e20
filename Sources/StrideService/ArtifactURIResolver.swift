public import StrideDomain

/// Maps the artifact URIs Stride hands out back to paths in its own artifact store.
///
/// Runs carry `mlflow-artifacts:/<exp>/<run>/artifacts` when Stride proxies artifacts, or a `file:`
/// URI below the artifacts destination with `--no-serve-artifacts`; both name files Stride can serve.
/// Anything else (an `s3://` root, a folder elsewhere) is out of reach and resolves to nil.
public struct ArtifactURIResolver: Sendable {
    /// Absolute local directories that hold the store's root, as URIs may spell it.
    let localRoots: [String]

    public init(localRoots: [String]) {
        self.localRoots = localRoots.map { $0.count > 1 && $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
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
