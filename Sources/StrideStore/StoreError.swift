public import StrideDomain

/// Why a store refused a call: a typed outcome naming the entity and its key, never a sentence.
///
/// Every backend throws these for conditions a client can cause; the service layer phrases them
/// as MLflow's error codes and messages, so a new backend needs no MLflow wording.
public enum StoreError: Error, Sendable, Hashable {
    /// The entity does not exist. A lifecycle change also answers this when the entity is not in
    /// the view the change starts from (deleting a deleted experiment), as MLflow looks only there.
    case notFound(StoreEntity)
    /// The entity's unique key (a name, an id) is taken, also by a deleted entity that keeps it.
    case alreadyExists(StoreEntity)
    /// The change needs the entity active, and it is in `stage`.
    case notActive(StoreEntity, stage: LifecycleStage)
    /// The entity cannot be deleted while it still owns others.
    case stillOwns(StoreEntity, StoreEntity.Dependents)
    /// The entity is built in and cannot be deleted (the `default` project).
    case reserved(StoreEntity)
    /// The search's cursor was not made by a search with the same order (a foreign page token).
    case cursorMismatch
    /// A stored record cannot be read back (a value no version of Stride writes); a server fault.
    case unreadable(StoreEntity)
}

/// What a ``StoreError`` is about: the entity's kind and the key that names it.
public enum StoreEntity: Sendable, Hashable {
    case project(name: String)
    case experiment(ExperimentID)
    /// An experiment named by its (per-project unique) name.
    case experimentNamed(String)
    case experimentTag(experiment: ExperimentID, key: String)
    case run(id: String)
    case runTag(run: String, key: String)
    case loggedModel(id: String)
    case loggedModelTag(model: String, key: String)
    case registeredModel(name: String)
    case modelVersion(model: String, version: Int64)
    case accessToken(id: String)
    case evaluationDataset(id: String)

    /// What an entity still owns when it cannot be deleted.
    public enum Dependents: Sendable, Hashable {
        case experiments(Int)
        case registeredModels(Int)
    }
}
