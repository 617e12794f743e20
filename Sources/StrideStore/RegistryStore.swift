public import StrideDomain

/// Persistence for the model registry: registered models, their versions, tags and aliases.
///
/// Models are unique by name within a project; every call takes the project. Each call is one
/// transaction. An unknown model or version is `.notFound`; a deleted version keeps
/// its number (numbers are never reused) but is invisible to every call.
public protocol RegistryStore: Sendable {
    /// A taken name is `.alreadyExists(.registeredModel)`.
    func createRegisteredModel(_ model: NewRegisteredModel) async throws -> RegisteredModel

    func registeredModel(named name: String, project: String) async throws -> RegisteredModel?

    /// Renames the model; its versions, tags and aliases follow. A taken name is `.alreadyExists(.registeredModel)`.
    func renameRegisteredModel(named name: String, to newName: String, project: String, at time: Int64) async throws -> RegisteredModel

    func updateRegisteredModel(named name: String, description: String?, project: String, at time: Int64) async throws -> RegisteredModel

    /// Deletes the model with its versions, tags and aliases.
    func deleteRegisteredModel(named name: String, project: String) async throws

    func searchRegisteredModels(_ query: RegisteredModelQuery) async throws -> ResultPage<RegisteredModel>

    func setRegisteredModelTag(named name: String, tag: Tag, project: String) async throws

    /// Removes a tag; a missing tag is fine, a missing model is not.
    func deleteRegisteredModelTag(named name: String, key: String, project: String) async throws

    /// Points `alias` at an existing version, moving it if it pointed elsewhere.
    func setAlias(_ alias: String, model name: String, version: Int64, project: String) async throws

    /// Removes an alias; a missing alias is fine, a missing model is not.
    func deleteAlias(_ alias: String, model name: String, project: String) async throws

    /// The version an alias points at; nil when the model exists but the alias does not.
    func modelVersion(alias: String, model name: String, project: String) async throws -> ModelVersion?

    /// Adds version `max + 1` (deleted versions count) and touches the model.
    func createModelVersion(_ version: NewModelVersion) async throws -> ModelVersion

    func modelVersion(model name: String, version: Int64, project: String) async throws -> ModelVersion?

    /// Where the version's files are: the source, or what a `models:/` source resolved to.
    func storageLocation(model name: String, version: Int64, project: String) async throws -> String

    func updateModelVersion(model name: String, version: Int64, description: String?, project: String, at time: Int64) async throws -> ModelVersion

    /// Moves a version to `stage`; with `archivingOthers`, the model's other versions in that stage become Archived.
    func transitionModelVersion(
        model name: String, version: Int64, to stage: ModelStage, archivingOthers: Bool, project: String, at time: Int64
    ) async throws -> ModelVersion

    /// Deletes a version and the aliases pointing at it; its number stays taken.
    func deleteModelVersion(model name: String, version: Int64, project: String, at time: Int64) async throws

    func searchModelVersions(_ query: ModelVersionQuery) async throws -> ResultPage<ModelVersion>

    func setModelVersionTag(model name: String, version: Int64, tag: Tag, project: String) async throws

    func deleteModelVersionTag(model name: String, version: Int64, key: String, project: String) async throws
}

/// What the service hands the store to create a registered model.
public struct NewRegisteredModel: Sendable {
    public var project: String
    public var name: String
    public var description: String?
    public var tags: [Tag]
    public var creationTime: Int64

    public init(project: String, name: String, description: String?, tags: [Tag], creationTime: Int64) {
        self.project = project
        self.name = name
        self.description = description
        self.tags = tags
        self.creationTime = creationTime
    }
}

/// What the service hands the store to create a model version; the store picks the number.
public struct NewModelVersion: Sendable {
    public var project: String
    public var name: String
    public var source: String
    /// Where the files are; differs from `source` when the source is a `models:/` URI.
    public var storageLocation: String
    public var runID: String?
    public var runLink: String?
    public var modelID: String?
    public var description: String?
    public var tags: [Tag]
    public var creationTime: Int64

    public init(
        project: String, name: String, source: String, storageLocation: String, runID: String?, runLink: String?,
        modelID: String? = nil, description: String?, tags: [Tag], creationTime: Int64
    ) {
        self.modelID = modelID
        self.project = project
        self.name = name
        self.source = source
        self.storageLocation = storageLocation
        self.runID = runID
        self.runLink = runLink
        self.description = description
        self.tags = tags
        self.creationTime = creationTime
    }
}

/// A registry search after parsing: one page of the rows `filter` matches, in `order`.
public struct RegistryQuery<Clause: RegistryFilterClause>: Sendable {
    public var project: String
    public var filter: RegistrySearchFilter<Clause>
    public var order: [RegistryOrder]
    public var maxResults: Int
    public var offset: Int

    public init(project: String, filter: RegistrySearchFilter<Clause>, order: [RegistryOrder], maxResults: Int, offset: Int) {
        self.project = project
        self.filter = filter
        self.order = order
        self.maxResults = maxResults
        self.offset = offset
    }
}

/// A `registered-models/search`; ties are broken by name ascending.
public typealias RegisteredModelQuery = RegistryQuery<RegisteredModelFilterClause>

/// A `model-versions/search`; ties are broken by name ascending, then version descending.
public typealias ModelVersionQuery = RegistryQuery<ModelVersionFilterClause>
