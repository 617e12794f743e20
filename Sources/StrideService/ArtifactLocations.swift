public import StrideDomain

/// Builds the artifact URIs MLflow gives experiments and runs.
public struct ArtifactLocations: Sendable {
    /// The root experiments live under, e.g. `mlflow-artifacts:` when the server proxies artifacts.
    public let defaultRoot: String

    /// The server's working directory, against which MLflow resolves relative local locations.
    public let workingDirectory: String

    public init(defaultRoot: String, workingDirectory: String = "/") {
        self.defaultRoot = defaultRoot.hasSuffix("/") ? String(defaultRoot.dropLast()) : defaultRoot
        self.workingDirectory = workingDirectory
    }

    /// An experiment's `artifact_location` as MLflow stores it (`resolve_uri_if_local`): a relative
    /// path or relative `file:` URI becomes absolute against the working directory; anything else is kept.
    public func experimentLocation(given location: String) -> String {
        if location.hasPrefix("file:") {
            let rest = location.dropFirst("file:".count)
            guard !rest.hasPrefix("/") else { return location }
            return "file://" + joinedToWorkingDirectory(String(rest))
        }
        guard ModelSource.isLocal(location), !location.hasPrefix("/") else { return location }
        return joinedToWorkingDirectory(location)
    }

    private func joinedToWorkingDirectory(_ path: String) -> String {
        workingDirectory.hasSuffix("/") ? workingDirectory + path : workingDirectory + "/" + path
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

    /// A trace's files (`traces.json`, attachments) live in `<experiment location>/traces/<trace id>/artifacts`.
    public func traceLocation(experimentLocation: String, traceID: String) -> String {
        "\(Self.trimmed(experimentLocation))/traces/\(traceID)/artifacts"
    }

    private static func trimmed(_ location: String) -> String {
        location.hasSuffix("/") ? String(location.dropLast()) : location
    }
}
