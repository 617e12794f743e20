/// Reads the model URIs a model version's source may be (`runs:/…`, `models:/…`).
public enum ModelSource {
    /// What a `models:/` URI names.
    public enum RegisteredReference: Sendable, Equatable {
        case version(name: String, version: String)
        case alias(name: String, alias: String)
        /// `models:/<model id>`: an MLflow 3 logged model.
        case loggedModel(id: String)
    }

    /// The run id of a `runs:/<run id>/<path>` URI.
    public static func runID(in uri: String) -> String? {
        runArtifact(in: uri)?.runID
    }

    /// The run id and the run-relative path of a `runs:/<run id>/<path>` URI.
    public static func runArtifact(in uri: String) -> (runID: String, path: String)? {
        guard let rest = uri.droppingScheme("runs:") else { return nil }
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: true)
        guard let id = parts.first, !id.isEmpty else { return nil }
        return (String(id), parts.count > 1 ? String(parts[1]) : "")
    }

    /// What a `models:/` URI refers to, in MLflow's forms `name/version`, `name@alias` and `model id`.
    public static func registeredReference(in uri: String) -> RegisteredReference? {
        guard let rest = uri.droppingScheme("models:") else { return nil }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        switch parts.count {
        case 1:
            if let at = parts[0].firstIndex(of: "@") {
                return .alias(name: String(parts[0][..<at]), alias: String(parts[0][parts[0].index(after: at)...]))
            }
            return .loggedModel(id: parts[0])
        case 2:
            return .version(name: parts[0], version: parts[1])
        default:
            return nil
        }
    }
}

extension String {
    /// The text after `scheme` and its slashes, or nil when the URI has another scheme.
    fileprivate func droppingScheme(_ scheme: String) -> Substring? {
        guard lowercased().hasPrefix(scheme) else { return nil }
        var rest = dropFirst(scheme.count)
        while rest.first == "/" { rest = rest.dropFirst() }
        return rest
    }
}
