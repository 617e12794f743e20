public import StrideDomain
public import StrideStore

/// MLflow 3 logged models: what `mlflow.<flavor>.log_model` and autolog create in an experiment.
public struct LoggedModelService: Sendable {
    let store: any LoggedModelStore
    let tracking: TrackingService
    let clock: any TimeSource

    /// The largest `max_results` of `logged-models/search`.
    public static let maxSearchResults = 1000

    public init(store: any LoggedModelStore, tracking: TrackingService, clock: any TimeSource = SystemTimeSource()) {
        self.store = store
        self.tracking = tracking
        self.clock = clock
    }

    /// Creates a pending model whose files go to `<experiment location>/models/<id>/artifacts`.
    public func create(
        experimentID: String, name: String?, modelType: String?, sourceRunID: String?, tags: [Tag], params: [Param],
        project: String = ProjectContext.current
    ) async throws -> LoggedModel {
        let experiment = try await tracking.experiment(id: experimentID, project: project)
        let tags = try tags.map { (tag) throws(StrideError) in try EntityValidation.validatedTag(tag) }
        let params = try params.map { (param) throws(StrideError) in try EntityValidation.validatedParam(param) }
        let id = LoggedModel.makeID()
        let name = name.flatMap { $0.isEmpty ? nil : $0 } ?? RunNameGenerator.make()
        return try await phrased { try await store.createLoggedModel(NewLoggedModel(
            id: id, experimentID: experiment.id, name: name,
            artifactURI: tracking.artifacts.loggedModelLocation(experimentLocation: experiment.artifactLocation, modelID: id),
            modelType: modelType.flatMap { $0.isEmpty ? nil : $0 }, sourceRunID: sourceRunID.flatMap { $0.isEmpty ? nil : $0 },
            tags: uniqueByKey(tags), params: uniqueByKey(params), creationTime: clock.nowMilliseconds())) }
    }

    /// The model, when its experiment belongs to `project`; another project's model is "not found".
    public func model(id: String, allowDeleted: Bool = false, project: String = ProjectContext.current) async throws -> LoggedModel {
        guard let model = try await store.loggedModel(id: id, allowDeleted: allowDeleted), try await owns(model.experimentID, project) else {
            throw Self.missing(id)
        }
        return model
    }

    public func finalize(id: String, status: LoggedModelStatus, project: String = ProjectContext.current) async throws -> LoggedModel {
        guard status == .ready || status == .uploadFailed else {
            throw StrideError.invalidParameter("Invalid value \(status.name) for parameter 'status' supplied.")
        }
        try await requireModel(id, in: project)
        return try await phrased { try await store.finalizeLoggedModel(id: id, status: status, at: clock.nowMilliseconds()) }
    }

    public func delete(id: String, project: String = ProjectContext.current) async throws {
        try await requireModel(id, in: project)
        try await phrased { try await store.deleteLoggedModel(id: id, at: clock.nowMilliseconds()) }
    }

    public func setTags(id: String, tags: [Tag], project: String = ProjectContext.current) async throws {
        let tags = try tags.map { (tag) throws(StrideError) in try EntityValidation.validatedTag(tag) }
        try await requireModel(id, in: project)
        try await phrased { try await store.setLoggedModelTags(id: id, tags: uniqueByKey(tags), at: clock.nowMilliseconds()) }
    }

    /// Lists a registered version made from the model in its `mlflow.modelVersions` tag, as MLflow does.
    public func recordModelVersion(id: String, name: String, version: Int64, project: String = ProjectContext.current) async throws {
        let existing = try await model(id: id, project: project).tags.last { $0.key == ModelVersionsTag.key }?.value
        let tag = Tag(key: ModelVersionsTag.key, value: ModelVersionsTag.adding(name: name, version: version, to: existing))
        try await phrased { try await store.setLoggedModelTags(id: id, tags: [tag], at: clock.nowMilliseconds()) }
    }

    public func deleteTag(id: String, key: String, project: String = ProjectContext.current) async throws {
        try await requireModel(id, in: project)
        try await phrased { try await store.deleteLoggedModelTag(id: id, key: key) }
    }

    public func logParams(id: String, params: [Param], project: String = ProjectContext.current) async throws {
        try await requireModel(id, in: project)
        let params = try params.map { (param) throws(StrideError) in try EntityValidation.validatedParam(param) }
        try await phrased { try await store.logLoggedModelParams(id: id, params: uniqueByKey(params), at: clock.nowMilliseconds()) }
    }

    /// Filters and orders the experiments' live models, one offset page at a time.
    public func search(
        experimentIDs: [String], filter: String?, datasets: [LoggedModelFilter.Dataset] = [], orderBy: [LoggedModelFilter.Order],
        maxResults: Int?, pageToken: String?, project: String = ProjectContext.current
    ) async throws -> (models: [LoggedModel], nextPageToken: String?) {
        guard !experimentIDs.isEmpty else {
            throw StrideError.invalidParameter("Missing value for required parameter 'experiment_ids'.")
        }
        let ids = try ExperimentID.searchList(experimentIDs)
        for id in ids { try await tracking.ownership.requireExperiment(id, in: project) }
        let tree = try LoggedModelFilter.parse(filter ?? "")
        try LoggedModelFilter.checkCounts(order: orderBy, datasets: datasets)
        let limit = maxResults ?? 100
        guard limit >= 1, limit <= Self.maxSearchResults else {
            throw StrideError.invalidParameter(
                "Invalid value for request parameter max_results. It must be at most \(Self.maxSearchResults), but got value \(limit)")
        }
        var offset = 0
        if let pageToken, !pageToken.isEmpty { offset = try PageToken.decodeOffset(pageToken) }
        let page = try await store.searchLoggedModels(
            LoggedModelQuery(experimentIDs: ids, filter: tree, datasets: datasets, order: orderBy, maxResults: limit, offset: offset))
        return (page.items, page.nextOffset.map { PageToken.encode(offset: $0) })
    }

    /// Refuses an unknown model, or one of another project, as missing, without loading it.
    private func requireModel(_ id: String, in project: String) async throws {
        guard let experiment = try await store.loggedModelExperiment(id: id), try await owns(experiment, project) else {
            throw Self.missing(id)
        }
    }

    /// Whether `project` owns the experiment; a model names its experiment, which may be another project's.
    private func owns(_ experiment: ExperimentID, _ project: String) async throws -> Bool {
        try await tracking.ownership.owns(experiment, project)
    }

    private static func missing(_ id: String) -> StrideError {
        .missing(.loggedModel(id: id))
    }
}
