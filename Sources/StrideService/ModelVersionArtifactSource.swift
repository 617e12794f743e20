/// The model registry's half of `GET /model-versions/get-artifact`: where a model version's files are.
///
/// Pending: Stride has no model registry yet. The registry will implement this protocol and the
/// composition root will hand it to `ArtifactService`; until then the endpoint answers
/// `501 NOT_IMPLEMENTED` rather than pretend every model version is missing.
public protocol ModelVersionArtifactSource: Sendable {
    /// The artifact URI MLflow calls the version's download URI (`get_model_version_download_uri`);
    /// throws `RESOURCE_DOES_NOT_EXIST` for an unknown model or version.
    func downloadURI(modelName: String, version: String) async throws -> String
}
