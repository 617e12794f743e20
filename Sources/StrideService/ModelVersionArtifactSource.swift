/// The model registry's half of `GET /model-versions/get-artifact`: where a model version's files are.
///
/// `RegistryService` implements it and the composition root hands it to `ArtifactService`; without
/// one (router tests of tracking alone) the endpoint answers `501 NOT_IMPLEMENTED` rather than
/// pretend every model version is missing.
public protocol ModelVersionArtifactSource: Sendable {
    /// The artifact URI of the version's files (MLflow's `get_model_version_download_uri`, with
    /// `runs:/` locations resolved to the run's artifact URI); throws `RESOURCE_DOES_NOT_EXIST`
    /// for an unknown model or version.
    func downloadURI(modelName: String, version: String, project: String) async throws -> String
}
