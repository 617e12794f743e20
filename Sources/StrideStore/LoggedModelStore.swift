public import StrideDomain

/// What `logged-models/create` stores: the id and artifact location are chosen by the service.
public struct NewLoggedModel: Sendable {
    public var id: String
    public var experimentID: ExperimentID
    public var name: String
    public var artifactURI: String
    public var modelType: String?
    public var sourceRunID: String?
    public var tags: [Tag]
    public var params: [Param]
    public var creationTime: Int64

    public init(
        id: String, experimentID: ExperimentID, name: String, artifactURI: String, modelType: String?, sourceRunID: String?,
        tags: [Tag], params: [Param], creationTime: Int64
    ) {
        self.id = id
        self.experimentID = experimentID
        self.name = name
        self.artifactURI = artifactURI
        self.modelType = modelType
        self.sourceRunID = sourceRunID
        self.tags = tags
        self.params = params
        self.creationTime = creationTime
    }
}

/// Persistence for MLflow 3 logged models, which belong to an experiment.
///
/// Each call is one transaction. An unknown model is `.notFound(.loggedModel)`; a deleted model is
/// kept (flagged) and only `loggedModel(id:allowDeleted: true)` sees it.
public protocol LoggedModelStore: Sendable {
    /// Stores a model with status `LOGGED_MODEL_PENDING`. An unknown experiment is `.notFound(.experiment)`.
    func createLoggedModel(_ model: NewLoggedModel) async throws -> LoggedModel

    func loggedModel(id: String, allowDeleted: Bool) async throws -> LoggedModel?

    /// The experiment of a live model, without loading the model; nil for an unknown or deleted one.
    func loggedModelExperiment(id: String) async throws -> ExperimentID?

    func finalizeLoggedModel(id: String, status: LoggedModelStatus, at time: Int64) async throws -> LoggedModel

    func deleteLoggedModel(id: String, at time: Int64) async throws

    /// Sets (overwrites) tags.
    func setLoggedModelTags(id: String, tags: [Tag], at time: Int64) async throws

    /// Removes a tag; a missing tag is `.notFound(.loggedModelTag)` as in MLflow.
    func deleteLoggedModelTag(id: String, key: String) async throws

    /// Adds params; a key logged again takes the new value.
    func logLoggedModelParams(id: String, params: [Param], at time: Int64) async throws

    /// One offset page of the experiments' live models matching the query, in its order.
    func searchLoggedModels(_ query: LoggedModelQuery) async throws -> ResultPage<LoggedModel>
}

/// A `logged-models/search` request, parsed and validated.
public struct LoggedModelQuery: Sendable {
    public var experimentIDs: [ExperimentID]
    public var filter: FilterTree<FilterComparison>
    public var datasets: [LoggedModelFilter.Dataset]
    public var order: [LoggedModelFilter.Order]
    public var maxResults: Int
    public var offset: Int

    public init(
        experimentIDs: [ExperimentID], filter: FilterTree<FilterComparison> = .all([]), datasets: [LoggedModelFilter.Dataset] = [],
        order: [LoggedModelFilter.Order] = [], maxResults: Int = 100, offset: Int = 0
    ) {
        self.experimentIDs = experimentIDs
        self.filter = filter
        self.datasets = datasets
        self.order = order
        self.maxResults = maxResults
        self.offset = offset
    }
}
