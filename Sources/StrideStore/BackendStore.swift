/// Everything a database backend stores, behind one connection pool: what the store factory
/// opens for a configured backend, and what the composition root hands each service.
public protocol BackendStore: TrackingStore, RegistryStore, LoggedModelStore, EvaluationDatasetStore, BrowseStore, AccessTokenStore, ProjectStore {
    /// Releases the backend's connections once every call has finished; no call may follow.
    func close() async throws
}
