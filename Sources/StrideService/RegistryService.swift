public import StrideDomain
public import StrideStore

/// The model registry use cases: MLflow's validation and rules around the registry store.
public struct RegistryService: Sendable {
    let store: any RegistryStore
    let tracking: TrackingService
    /// Resolves `models:/<model id>` sources; nil refuses them.
    let loggedModels: LoggedModelService?
    let clock: any TimeSource

    /// The largest `max_results` for registered-model search, as in MLflow.
    public static let maxModelSearchResults = 1000
    /// The client asks for 10,000 versions per page; MLflow's threshold is 200,000.
    public static let maxVersionSearchResults = 200_000

    public init(
        store: any RegistryStore, tracking: TrackingService, loggedModels: LoggedModelService? = nil, clock: any TimeSource = SystemTimeSource()
    ) {
        self.store = store
        self.tracking = tracking
        self.loggedModels = loggedModels
        self.clock = clock
    }

    // MARK: Registered models

    public func createRegisteredModel(name: String, description: String?, tags: [Tag], project: String) async throws -> RegisteredModel {
        try RegistryValidation.validateModelName(name)
        for tag in tags { try RegistryValidation.validateTag(tag) }
        return try await phrased { try await store.createRegisteredModel(
            NewRegisteredModel(project: project, name: name, description: description, tags: uniqueByKey(tags), creationTime: clock.nowMilliseconds())) }
    }

    public func registeredModel(named name: String, project: String) async throws -> RegisteredModel {
        try RegistryValidation.validateModelName(name)
        guard let model = try await store.registeredModel(named: name, project: project) else {
            throw StrideError.missing(.registeredModel(name: name))
        }
        return model
    }

    public func renameRegisteredModel(named name: String, to newName: String, project: String) async throws -> RegisteredModel {
        try RegistryValidation.validateModelName(newName, field: "new_name")
        return try await phrased { try await store.renameRegisteredModel(named: name, to: newName, project: project, at: clock.nowMilliseconds()) }
    }

    public func updateRegisteredModel(named name: String, description: String?, project: String) async throws -> RegisteredModel {
        try await phrased { try await store.updateRegisteredModel(named: name, description: description, project: project, at: clock.nowMilliseconds()) }
    }

    public func deleteRegisteredModel(named name: String, project: String) async throws {
        try await phrased { try await store.deleteRegisteredModel(named: name, project: project) }
    }

    public func searchRegisteredModels(
        filter: String?, orderBy: [String], maxResults: Int, pageToken: String?, project: String
    ) async throws -> (models: [RegisteredModel], nextPageToken: String?) {
        let query = RegisteredModelQuery(
            project: project, filter: try RegisteredModelFilterClause.parse(filter ?? ""),
            order: try RegistryOrder.parse(orderBy, allowing: [.name, .creationTime, .lastUpdatedTime]),
            maxResults: try Self.checked(maxResults, limit: Self.maxModelSearchResults), offset: try Self.offset(pageToken))
        let page = try await store.searchRegisteredModels(query)
        return (page.items, page.nextOffset.map { PageToken.encode(offset: $0) })
    }

    /// The newest version in each requested stage (every stage when none is named).
    public func latestVersions(named name: String, stages: [String], project: String) async throws -> [ModelVersion] {
        let wanted = try Set(stages.map { (stage) throws(StrideError) in try ModelStage(parsing: stage) })
        let model = try await registeredModel(named: name, project: project)
        return model.latestVersions.filter { wanted.isEmpty || wanted.contains($0.stage) }
    }

    public func setRegisteredModelTag(named name: String, tag: Tag, project: String) async throws {
        try RegistryValidation.validateModelName(name)
        try RegistryValidation.validateTag(tag)
        try await phrased { try await store.setRegisteredModelTag(named: name, tag: tag, project: project) }
    }

    public func deleteRegisteredModelTag(named name: String, key: String, project: String) async throws {
        try RegistryValidation.validateModelName(name)
        try await phrased { try await store.deleteRegisteredModelTag(named: name, key: key, project: project) }
    }

    // MARK: Aliases

    public func setAlias(_ alias: String, model name: String, version: String, project: String) async throws {
        try RegistryValidation.validateModelName(name)
        try RegistryValidation.validateAssignableAlias(alias)
        try await phrased { try await store.setAlias(alias, model: name, version: try RegistryValidation.version(version), project: project) }
    }

    public func deleteAlias(_ alias: String, model name: String, project: String) async throws {
        try RegistryValidation.validateModelName(name)
        try RegistryValidation.validateAliasName(alias)
        try await phrased { try await store.deleteAlias(alias, model: name, project: project) }
    }

    /// The version an alias names; `latest` is the highest live version. An unknown alias is
    /// `INVALID_PARAMETER_VALUE` (400), as MLflow answers, not a 404.
    public func modelVersion(alias: String, model name: String, project: String) async throws -> ModelVersion {
        try RegistryValidation.validateModelName(name)
        try RegistryValidation.validateAliasName(alias)
        if alias.lowercased() == "latest" {
            let latest = try await registeredModel(named: name, project: project).latestVersions.max { $0.version < $1.version }
            guard let latest else { throw StrideError.notFound("Latest version not found for model \(name).") }
            return try await modelVersion(model: name, version: String(latest.version), project: project)
        }
        guard let version = try await phrased({ try await store.modelVersion(alias: alias, model: name, project: project) }) else {
            throw StrideError.invalidParameter("Registered model alias \(alias) not found.")
        }
        return version
    }

    // MARK: Model versions

    /// Creates the next version. A `models:/<name>/<version>` source stores the files' location of
    /// that version, as MLflow does. The source is checked as MLflow checks it (``ModelSource/validate``).
    /// A version made from a logged model (`model_id`, or a `models:/<model id>` source) records the
    /// model's source run when the request names none, and is listed in the model's
    /// `mlflow.modelVersions` tag.
    public func createModelVersion(
        name: String, source: String, runID: String?, runLink: String?, modelID: String? = nil, description: String?, tags: [Tag],
        project: String
    ) async throws -> ModelVersion {
        var runID = runID.flatMap { $0.isEmpty ? nil : $0 }
        let modelID = modelID.flatMap { $0.isEmpty ? nil : $0 }
        var loggedModel: LoggedModel?
        if let modelID { loggedModel = try await self.loggedModel(modelID, project: project) }
        // A prompt's version (tagged as MLflow's prompt registry tags it, the last tag winning) carries
        // one of MLflow's placeholder sources and skips the run and model checks, as in MLflow.
        if tags.last(where: { $0.key == RegistryValidation.promptTagKey })?.value.lowercased() == "true" {
            try RegistryValidation.validatePromptSource(source)
        } else {
            try await validateSource(source, runID: runID, loggedModel: loggedModel, project: project)
        }
        try RegistryValidation.validateModelName(name)
        for tag in tags { try RegistryValidation.validateTag(tag) }
        // MLflow accepts a run id it does not know; another project's run is refused as unknown.
        if let runID { try await tracking.ownership.requireRun(runID, in: project, allowMissing: true) }
        let (storageLocation, sourceModelRun) = try await resolvedStorageLocation(of: source, project: project)
        runID = runID ?? sourceModelRun ?? loggedModel?.sourceRunID
        let version = try await phrased { try await store.createModelVersion(NewModelVersion(
            project: project, name: name, source: source, storageLocation: storageLocation, runID: runID,
            // MLflow's handler stores the request's description, an empty string when none was sent.
            runLink: runLink.flatMap { $0.isEmpty ? nil : $0 }, modelID: modelID, description: description ?? "",
            tags: uniqueByKey(tags),
            creationTime: clock.nowMilliseconds())) }
        if let modelID, let loggedModels {
            try await loggedModels.recordModelVersion(id: modelID, name: version.name, version: version.version, project: project)
        }
        return version
    }

    /// MLflow's `_validate_source_model` when a logged model is named, else `_validate_source_run`;
    /// the run is read only for a local source, which must lie in its artifact directory.
    private func validateSource(_ source: String, runID: String?, loggedModel: LoggedModel?, project: String) async throws {
        let workingDirectory = tracking.artifacts.workingDirectory
        if let loggedModel {
            try ModelSource.validate(source, owner: .loggedModel, ownerLocation: loggedModel.artifactURI, workingDirectory: workingDirectory)
            return
        }
        var runLocation: String?
        if ModelSource.isLocal(source), let runID {
            runLocation = try await tracking.run(id: runID, project: project).info.artifactURI
        }
        try ModelSource.validate(source, owner: .run, ownerLocation: runLocation, workingDirectory: workingDirectory)
    }

    private func loggedModel(_ id: String, project: String) async throws -> LoggedModel {
        guard let loggedModels else {
            throw StrideError.invalidParameter("Logged models are not served: model_id '\(id)' cannot be resolved.")
        }
        return try await loggedModels.model(id: id, project: project)
    }

    public func modelVersion(model name: String, version: String, project: String) async throws -> ModelVersion {
        try RegistryValidation.validateModelName(name)
        let number = try RegistryValidation.version(version)
        guard let found = try await store.modelVersion(model: name, version: number, project: project) else {
            throw StrideError.missing(.modelVersion(model: name, version: number))
        }
        return found
    }

    public func updateModelVersion(model name: String, version: String, description: String?, project: String) async throws -> ModelVersion {
        try RegistryValidation.validateModelName(name)
        return try await phrased { try await store.updateModelVersion(
            model: name, version: try RegistryValidation.version(version), description: description, project: project, at: clock.nowMilliseconds()) }
    }

    public func transitionModelVersion(
        model name: String, version: String, stage: String, archiveExistingVersions: Bool, project: String
    ) async throws -> ModelVersion {
        try RegistryValidation.validateModelName(name)
        let number = try RegistryValidation.version(version)
        let target = try ModelStage(parsing: stage)
        if archiveExistingVersions && !target.isActive {
            throw StrideError.invalidParameter(
                "Model version transition cannot archive existing model versions because '\(stage)' is not an Active stage. Valid stages are ['Staging', 'Production']")
        }
        return try await phrased { try await store.transitionModelVersion(
            model: name, version: number, to: target, archivingOthers: archiveExistingVersions, project: project, at: clock.nowMilliseconds()) }
    }

    public func deleteModelVersion(model name: String, version: String, project: String) async throws {
        try RegistryValidation.validateModelName(name)
        try await phrased { try await store.deleteModelVersion(
            model: name, version: try RegistryValidation.version(version), project: project, at: clock.nowMilliseconds()) }
    }

    public func searchModelVersions(
        filter: String?, orderBy: [String], maxResults: Int, pageToken: String?, project: String
    ) async throws -> (versions: [ModelVersion], nextPageToken: String?) {
        let query = ModelVersionQuery(
            project: project, filter: try ModelVersionFilterClause.parse(filter ?? ""),
            // MLflow's default: newest change first (then name ascending and version descending, as always).
            order: try RegistryOrder.parse(orderBy.isEmpty ? ["last_updated_timestamp DESC"] : orderBy,
                allowing: [.name, .version, .creationTime, .lastUpdatedTime]),
            maxResults: try Self.checked(maxResults, limit: Self.maxVersionSearchResults), offset: try Self.offset(pageToken))
        let page = try await store.searchModelVersions(query)
        return (page.items, page.nextOffset.map { PageToken.encode(offset: $0) })
    }

    /// What `get-download-uri` answers: where the version's files are.
    public func downloadURI(model name: String, version: String, project: String) async throws -> String {
        try RegistryValidation.validateModelName(name)
        return try await phrased { try await store.storageLocation(model: name, version: try RegistryValidation.version(version), project: project) }
    }

    public func setModelVersionTag(model name: String, version: String, tag: Tag, project: String) async throws {
        try RegistryValidation.validateModelName(name)
        try RegistryValidation.validateTag(tag)
        try await phrased { try await store.setModelVersionTag(model: name, version: try RegistryValidation.version(version), tag: tag, project: project) }
    }

    public func deleteModelVersionTag(model name: String, version: String, key: String, project: String) async throws {
        try RegistryValidation.validateModelName(name)
        try await phrased { try await store.deleteModelVersionTag(model: name, version: try RegistryValidation.version(version), key: key, project: project) }
    }

    // MARK: Helpers

    private static func checked(_ maxResults: Int, limit: Int) throws(StrideError) -> Int {
        guard maxResults >= 1, maxResults <= limit else {
            throw .invalidParameter(
                "Invalid value for request parameter max_results. It must be at most \(limit), but got value \(maxResults)")
        }
        return maxResults
    }

    private static func offset(_ pageToken: String?) throws(StrideError) -> Int {
        guard let pageToken, !pageToken.isEmpty else { return 0 }
        return try PageToken.decodeOffset(pageToken)
    }

    /// A `models:/<name>/<version>` or `models:/<name>@<alias>` source points at a registered
    /// version's files, `models:/<model id>` at the logged model's artifact location (and names its
    /// source run); any other source is its own location.
    private func resolvedStorageLocation(of source: String, project: String) async throws -> (location: String, sourceRun: String?) {
        guard let reference = ModelSource.registeredReference(in: source) else { return (source, nil) }
        let version: ModelVersion
        switch reference {
        case .version(let name, let number): version = try await modelVersion(model: name, version: number, project: project)
        case .alias(let name, let alias): version = try await modelVersion(alias: alias, model: name, project: project)
        case .loggedModel(let id):
            guard let loggedModels else {
                throw StrideError.invalidParameter(
                    "Unable to fetch model from model URI source artifact location '\(source)': logged models are not served.")
            }
            let model = try await loggedModels.model(id: id, project: project)
            return (model.artifactURI, model.sourceRunID)
        }
        return (try await phrased { try await store.storageLocation(model: version.name, version: version.version, project: project) }, nil)
    }
}

extension RegistryService: ModelVersionArtifactSource {
    /// The version's files as an artifact URI: a `runs:/<id>/<path>` location becomes the run's
    /// artifact URI plus the path, so the download route can read it.
    public func downloadURI(modelName: String, version: String, project: String) async throws -> String {
        let location = try await downloadURI(model: modelName, version: version, project: project)
        guard let (runID, path) = ModelSource.runArtifact(in: location) else { return location }
        let run = try await tracking.run(id: runID, project: project)
        return path.isEmpty ? run.info.artifactURI : run.info.artifactURI + "/" + path
    }
}
