public import StrideDomain

/// Builds the artifact URIs MLflow gives experiments and runs.
public struct ArtifactLocations: Sendable {
    /// The root experiments live under, e.g. `mlflow-artifacts:` when the server proxies artifacts.
    public let defaultRoot: String

    public init(defaultRoot: String) {
        self.defaultRoot = defaultRoot.hasSuffix("/") ? String(defaultRoot.dropLast()) : defaultRoot
    }

    /// `mlflow-artifacts:/<id>` for the proxied root, `<root>/<id>` otherwise.
    public func experimentLocation(_ id: ExperimentID) -> String {
        "\(defaultRoot)/\(id)"
    }

    /// A run's artifacts live in `<experiment location>/<run id>/artifacts`.
    public func runLocation(experimentLocation: String, runID: String) -> String {
        let base = experimentLocation.hasSuffix("/") ? String(experimentLocation.dropLast()) : experimentLocation
        return "\(base)/\(runID)/artifacts"
    }
}
