public import StrideDomain

/// A trace's own files: `traces.json`, where a client that sends no spans to the server keeps them.
extension ArtifactService {
    /// The trace's `traces.json` (or another file of its folder), found from the experiment's
    /// location rather than from the trace's tags, which a client may rewrite; the experiment must
    /// be the caller's, and a missing file is "not found".
    public func traceArtifact(_ trace: TraceInfo, file: String = "traces.json", project: String = ProjectContext.current) async throws
        -> ArtifactDownload
    {
        let relative = try ArtifactPath(validating: file)
        let experiment = try await tracking.experiment(id: trace.experimentID.description, project: project)
        let location = tracking.artifacts.traceLocation(experimentLocation: experiment.artifactLocation, traceID: trace.id)
        return try await storeDownload(try storePath(of: location, relative, project: project), named: relative, project: project)
    }
}
