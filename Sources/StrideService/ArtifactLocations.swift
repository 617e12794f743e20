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
        "\(Self.trimmed(experimentLocation))/\(runID)/artifacts"
    }

    /// A logged model's artifacts live in `<experiment location>/models/<model id>/artifacts`, as
    /// MLflow's SQL store builds them (for the logged-model API of the registry work).
    public func loggedModelLocation(experimentLocation: String, modelID: String) -> String {
        "\(Self.trimmed(experimentLocation))/models/\(modelID)/artifacts"
    }

    private static func trimmed(_ location: String) -> String {
        location.hasSuffix("/") ? String(location.dropLast()) : location
    }
}
