public import StrideDomain
public import StrideStore

/// The tracking use cases: validate input, apply MLflow's rules, call the store.
///
/// Both the MLflow wire layer and the web UI call this type; neither reaches the store directly.
///
/// Every call acts in one project: ids of another project's experiments and runs are refused as
/// unknown ones. The wire layer names the request's project on every call; the web UI lets it
/// default to ``ProjectContext/current``, which it sets per request.
public struct TrackingService: Sendable {
    let store: any TrackingStore
    let artifacts: ArtifactLocations
    let clock: any TimeSource
    let ownership: ProjectOwnership
    let counters: UsageCounters

    public init(
        store: any TrackingStore, artifacts: ArtifactLocations, clock: any TimeSource = SystemTimeSource(), counters: UsageCounters = UsageCounters()
    ) {
        self.store = store
        self.ownership = ProjectOwnership(store: store)
        self.artifacts = artifacts
        self.clock = clock
        self.counters = counters
    }

    /// Whether the store answers a query now (the readiness check); throws what the store throws.
    public func checkStoreReachable() async throws {
        _ = try await store.projectOfExperiment(id: .defaultExperiment)
    }

    /// Creates the `Default` experiment on first start.
    public func bootstrap() async throws {
        try await phrased { try await store.ensureDefaultExperiment(
            project: Project.defaultName, artifactLocation: artifacts.experimentLocation(.defaultExperiment),
            at: clock.nowMilliseconds()) }
    }

    // MARK: Experiments

    public func createExperiment(name: String, artifactLocation: String?, tags: [Tag], project: String) async throws -> ExperimentID {
        try EntityValidation.validateExperimentName(name)
        for tag in tags { try EntityValidation.validateExperimentTag(tag) }
        let artifacts = self.artifacts
        let location: NewExperiment.ArtifactLocation =
            if let artifactLocation, !artifactLocation.isEmpty { .fixed(artifacts.experimentLocation(given: artifactLocation)) }
            else { .derived { artifacts.experimentLocation($0) } }
        return try await phrased { try await store.createExperiment(
            NewExperiment(project: project, name: name, artifactLocation: location, tags: tags, creationTime: clock.nowMilliseconds())) }
    }

    /// The experiment, when it belongs to `project`; another project's experiment is "not found".
    public func experiment(id: String, project: String = ProjectContext.current) async throws -> Experiment {
        let parsed = try ExperimentID(parsing: id)
        guard let experiment = try await store.experiment(id: parsed), experiment.project == project else {
            throw ProjectOwnership.missingExperiment(parsed)
        }
        return experiment
    }

    /// The param, metric and tag keys an experiment's runs have logged (the UI's column choices).
    public func experimentKeys(id: String, project: String = ProjectContext.current) async throws -> ExperimentKeys {
        try await store.experimentKeys(experimentID: experiment(id: id, project: project).id)
    }

    public func experiment(named name: String, project: String) async throws -> Experiment {
        guard let experiment = try await store.experiment(named: name, project: project) else {
            throw StrideError.missing(.experimentNamed(name))
        }
        return experiment
    }

    public func searchExperiments(
        filter: String?, orderBy: [String], viewType: ViewType, maxResults: Int, pageToken: String?, project: String
    ) async throws -> (experiments: [Experiment], nextPageToken: String?) {
        guard maxResults >= 1, maxResults <= Limits.maxSearchResults else {
            throw StrideError.invalidParameter(
                "Invalid value \(maxResults) for parameter 'max_results' supplied. It must be a positive integer at most \(Limits.maxSearchResults)")
        }
        let clauses = try ExperimentFilterClause.parse(filter ?? "")
        let order = try ExperimentOrder.parse(orderBy)
        let offset = try pageToken.flatMap { $0.isEmpty ? nil : $0 }.map { (token) throws(StrideError) in try PageToken.decodeOffset(token) } ?? 0
        let page = try await store.searchExperiments(
            ExperimentQuery(project: project, filter: clauses, order: order, viewType: viewType, maxResults: maxResults, offset: offset))
        return (page.items, page.nextOffset.map { PageToken.encode(offset: $0) })
    }

    public func renameExperiment(id: String, newName: String, project: String = ProjectContext.current) async throws {
        try EntityValidation.validateExperimentName(newName)
        let parsed = try ExperimentID(parsing: id)
        try await ownership.requireExperiment(parsed, in: project)
        // MLflow answers a taken name here as a uniqueness failure (BAD_REQUEST), unlike create.
        try await phrased {
            try await store.renameExperiment(id: parsed, to: newName, at: clock.nowMilliseconds())
        } rewording: { outcome in
            switch outcome {
            case .alreadyExists: StrideError(.badRequest, outcome.mlflowError.message)
            case .notActive(.experiment, _): StrideError(.invalidState, "Cannot rename a non-active experiment.")
            default: nil
            }
        }
    }

    public func deleteExperiment(id: String, project: String = ProjectContext.current) async throws {
        let parsed = try ExperimentID(parsing: id)
        try await ownership.requireExperiment(parsed, in: project)
        try await phrased { try await store.setExperimentLifecycle(id: parsed, to: .deleted, at: clock.nowMilliseconds()) }
    }

    public func restoreExperiment(id: String, project: String = ProjectContext.current) async throws {
        let parsed = try ExperimentID(parsing: id)
        try await ownership.requireExperiment(parsed, in: project)
        try await phrased { try await store.setExperimentLifecycle(id: parsed, to: .active, at: clock.nowMilliseconds()) }
    }

    public func setExperimentTag(id: String, tag: Tag, project: String = ProjectContext.current) async throws {
        try EntityValidation.validateExperimentTag(tag)
        let parsed = try ExperimentID(parsing: id)
        try await ownership.requireExperiment(parsed, in: project)
        try await phrased { try await store.setExperimentTag(id: parsed, tag: tag) }
    }

    public func deleteExperimentTag(id: String, key: String, project: String = ProjectContext.current) async throws {
        let parsed = try ExperimentID(parsing: id)
        try await ownership.requireExperiment(parsed, in: project)
        try await phrased { try await store.deleteExperimentTag(id: parsed, key: key) }
    }

    // MARK: Runs

    /// Creates a run named by `runName`, else by its `mlflow.runName` tag, else by a generated name;
    /// the tag is added when absent so name and tag always agree.
    public func createRun(
        experimentID: String?, userID: String?, runName: String?, startTime: Int64?, tags: [Tag], project: String = ProjectContext.current
    ) async throws -> Run {
        let experimentID = try ExperimentID(parsing: experimentID.flatMap { $0.isEmpty ? nil : $0 } ?? ExperimentID.defaultExperiment.description)
        try await ownership.requireExperiment(experimentID, in: project)
        var tags = try tags.map { (tag) throws(StrideError) in try EntityValidation.validatedTag(tag) }
        let tagName = tags.last(where: { $0.key == ReservedTag.runName })?.value
        let givenName = runName.flatMap { $0.isEmpty ? nil : $0 }
        if let givenName, let tagName, !tagName.isEmpty, givenName != tagName {
            throw StrideError.invalidParameter(
                "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='\(givenName)', mlflow.runName='\(tagName)').")
        }
        let name = givenName ?? tagName.flatMap { $0.isEmpty ? nil : $0 } ?? RunNameGenerator.make()
        if tagName == nil || tagName == "" {
            tags.removeAll { $0.key == ReservedTag.runName }
            tags.append(Tag(key: ReservedTag.runName, value: name))
        }
        let runID = RunIDGenerator.make()
        let artifacts = self.artifacts
        return try await phrased { try await store.createRun(NewRun(
            runID: runID, experimentID: experimentID, runName: name, userID: userID ?? "",
            // MLflow reads an absent start_time as the proto default, 0; search relies on it being set.
            startTime: startTime ?? 0,
            tags: uniqueByKey(tags), artifactURI: { artifacts.runLocation(experimentLocation: $0, runID: runID) })) }
    }

    public func run(id: String, project: String = ProjectContext.current) async throws -> Run {
        try await ownership.requireRun(id, in: project)
        guard let run = try await store.run(id: id) else { throw ProjectOwnership.missingRun(id) }
        return run
    }

    /// Searches runs of one or more experiments with MLflow's filter and order_by language.
    public func searchRuns(
        experimentIDs: [String], filter: String?, orderBy: [String], viewType: ViewType, maxResults: Int?, pageToken: String?,
        project: String = ProjectContext.current
    ) async throws -> (runs: [Run], nextPageToken: String?) {
        let maxResults = maxResults ?? Limits.defaultSearchRunsMaxResults
        guard maxResults >= 1, maxResults <= Limits.maxSearchResults else {
            throw StrideError.invalidParameter(
                "Invalid value \(maxResults) for parameter 'max_results' supplied. It must be at most \(Limits.maxSearchResults) and positive.")
        }
        let ids = try ExperimentID.searchList(experimentIDs)
        // Another project's experiments are refused before the query, so results are filtered by
        // construction and paging stays exact.
        for id in ids { try await ownership.requireExperiment(id, in: project) }
        let clauses = try RunFilterClause.parse(filter ?? "")
        let order = try RunOrder.parse(orderBy)
        let cursor = try pageToken.flatMap { $0.isEmpty ? nil : $0 }.map { (token) throws(StrideError) in try PageToken.decodeRunCursor(token) }
        let page = try await phrased { try await store.searchRuns(
            RunQuery(experimentIDs: ids, filter: clauses, order: order, viewType: viewType, maxResults: maxResults, after: cursor)) }
        return (page.runs, page.next.map(PageToken.encode))
    }

    public func updateRun(id: String, status: RunStatus?, endTime: Int64?, name: String?, project: String = ProjectContext.current) async throws -> RunInfo {
        try await ownership.requireRun(id, in: project)
        let name = name.flatMap { $0.isEmpty ? nil : EntityValidation.truncated($0, limit: Limits.maxTagValueLength) }
        return try await phrased { try await store.updateRun(id: id, RunUpdate(status: status, endTime: endTime, name: name)) }
    }

    public func deleteRun(id: String, project: String = ProjectContext.current) async throws {
        try await ownership.requireRun(id, in: project)
        try await phrased { try await store.setRunLifecycle(id: id, to: .deleted, at: clock.nowMilliseconds()) }
    }

    public func restoreRun(id: String, project: String = ProjectContext.current) async throws {
        try await ownership.requireRun(id, in: project)
        try await phrased {
            try await store.setRunLifecycle(id: id, to: .active, at: clock.nowMilliseconds())
        } rewording: { outcome in
            guard case .notActive(.experiment(let experimentID), _) = outcome else { return nil }
            return .invalidParameter("Cannot restore run \(id): its experiment \(experimentID) is deleted. Restore the experiment first.")
        }
    }

    /// Logs one point; `model` also attaches it to a logged model (MLflow 3's `model_id`).
    public func logMetric(runID: String, metric: Metric, model: ModelMetricLink? = nil, project: String = ProjectContext.current) async throws {
        // MLflow validates the request before it looks the run up: a bad metric is a 400 on any run.
        try EntityValidation.validateMetric(metric)
        try await ownership.requireRun(runID, in: project)
        try await phrased { try await store.logBatch(runID: runID, RunBatch(metrics: [metric], modelMetrics: model.map { [$0.attach(metric, runID: runID)] } ?? [])) }
        counters.metricPointsWritten(1)
    }

    /// Logs one param; an identical re-log is accepted, a changed value is refused.
    public func logParam(runID: String, param: Param, project: String = ProjectContext.current) async throws {
        let param = try EntityValidation.validatedParam(param)
        try await ownership.requireRun(runID, in: project)
        do {
            try await phrased { try await store.logBatch(runID: runID, RunBatch(params: [param])) }
        } catch let conflict as ParamValueConflict {
            let change = conflict.changes[0]
            throw StrideError.invalidParameter(
                "Changing param values is not allowed. Param with key='\(change.key)' was already logged with value='\(change.oldValue)' for run ID='\(runID)'. Attempted logging new value '\(change.newValue)'.")
        }
    }

    public func setTag(runID: String, tag: Tag, project: String = ProjectContext.current) async throws {
        let tag = try EntityValidation.validatedTag(tag)
        try await ownership.requireRun(runID, in: project)
        try await phrased { try await store.logBatch(runID: runID, RunBatch(tags: [tag], newRunName: tag.key == ReservedTag.runName ? tag.value : nil)) }
    }

    public func deleteTag(runID: String, key: String, project: String = ProjectContext.current) async throws {
        try await ownership.requireRun(runID, in: project)
        try await phrased { try await store.deleteRunTag(runID: runID, key: key) }
    }

    /// The one write primitive behind `log_metrics`, `log_params`, `set_tags` and autologging.
    /// `modelLinks` pairs indexes into `metrics` with the logged model each point is also logged against.
    public func logBatch(
        runID: String, metrics: [Metric], params: [Param], tags: [Tag], modelLinks: [(Int, ModelMetricLink)] = [], project: String = ProjectContext.current
    ) async throws {
        try await ownership.requireRun(runID, in: project)
        try EntityValidation.validateBatchLimits(metrics: metrics.count, params: params.count, tags: tags.count)
        // A batch repeats a few keys many times (one per step); each distinct key is checked once.
        var checkedKeys = Set<String>()
        for (index, metric) in metrics.enumerated() where metric.timestamp < 0 || !checkedKeys.contains(metric.key) {
            try EntityValidation.validateMetric(metric, path: "metrics[\(index)]")
            checkedKeys.insert(metric.key)
        }
        var validParams: [Param] = []
        validParams.reserveCapacity(params.count)
        for (index, param) in params.enumerated() {
            validParams.append(try EntityValidation.validatedParam(param, path: "params[\(index)]"))
        }
        var validTags: [Tag] = []
        validTags.reserveCapacity(tags.count)
        for (index, tag) in tags.enumerated() {
            validTags.append(try EntityValidation.validatedTag(tag, path: "tags[\(index)]"))
        }
        try EntityValidation.validateUniqueParamKeys(validParams)
        let newName = validTags.last(where: { $0.key == ReservedTag.runName })?.value
        do {
            try await phrased { try await store.logBatch(
                runID: runID,
                RunBatch(
                    metrics: metrics, params: validParams, tags: validTags, newRunName: newName,
                    modelMetrics: modelLinks.map { index, link in link.attach(metrics[index], runID: runID) })) }
            counters.metricPointsWritten(metrics.count)
        } catch let conflict as ParamValueConflict {
            let listed = conflict.changes.map { "{'key': '\($0.key)', 'old_value': '\($0.oldValue)', 'new_value': '\($0.newValue)'}" }
            throw StrideError.invalidParameter(
                "Changing param values is not allowed. Params were already logged='[\(listed.joined(separator: ", "))]' for run ID='\(runID)'.")
        }
    }

    public func logInputs(
        runID: String, datasets: [DatasetInput], models: [ModelInput] = [], project: String = ProjectContext.current
    ) async throws {
        try await ownership.requireRun(runID, in: project)
        guard datasets.count <= Limits.maxDatasetsPerBatch else {
            throw StrideError.invalidParameter(
                "A batch logging request can contain at most \(Limits.maxDatasetsPerBatch) datasets. Got \(datasets.count) datasets. Please split up datasets across multiple requests and try again.")
        }
        for input in datasets {
            try DatasetValidation.validate(input)
        }
        try await phrased { try await store.logInputs(runID: runID, datasets: datasets, models: models) }
    }

    public func logOutputs(runID: String, models: [ModelOutput], project: String = ProjectContext.current) async throws {
        try await ownership.requireRun(runID, in: project)
        try await phrased { try await store.logOutputs(runID: runID, models: models) }
    }

    // MARK: Metric history

    /// An unknown run has no points, as in MLflow; another project's run is "not found".
    public func metricHistory(runID: String, key: String, maxResults: Int?, pageToken: String?, project: String = ProjectContext.current) async throws
        -> (metrics: [Metric], nextPageToken: String?)
    {
        try await ownership.requireRun(runID, in: project, allowMissing: true)
        if let maxResults, maxResults <= 0 || maxResults > Limits.maxMetricHistoryResults {
            throw StrideError.invalidParameter(
                "Invalid value \(maxResults) for parameter 'max_results' supplied. It must be a positive integer at most \(Limits.maxMetricHistoryResults)")
        }
        let cursor = try pageToken.flatMap { $0.isEmpty ? nil : $0 }.map { (token) throws(StrideError) in
            try PageToken.decodeMetricCursor(token)
        }
        let page = try await store.metricHistory(runID: runID, key: key, limit: maxResults, after: cursor)
        return (page.metrics, page.next.map(PageToken.encode))
    }

    public func sampledMetricHistory(
        runIDs: [String], key: String, maxResults: Int?, startStep: Int64?, endStep: Int64?, project: String = ProjectContext.current
    ) async throws -> [RunMetric] {
        guard !runIDs.isEmpty else { throw StrideError.missingValue("run_ids") }
        for runID in runIDs { try await ownership.requireRun(runID, in: project, allowMissing: true) }
        guard runIDs.count <= Limits.maxRunsPerBulkHistory else {
            throw StrideError.invalidParameter(
                "GetMetricHistoryBulkInterval request must specify at most \(Limits.maxRunsPerBulkHistory) run_ids. Received \(runIDs.count) run_ids.")
        }
        let maxResults = maxResults ?? Limits.maxResultsPerRunBulkHistory
        guard maxResults >= 1, maxResults <= Limits.maxResultsPerRunBulkHistory else {
            throw StrideError.invalidParameter(
                "max_results must be between 1 and \(Limits.maxResultsPerRunBulkHistory).")
        }
        let steps: ClosedRange<Int64>?
        switch (startStep, endStep) {
        case (nil, nil): steps = nil
        case (let start?, let end?):
            guard start <= end else {
                throw StrideError.invalidParameter(
                    "end_step must be greater than start_step. Found start_step=\(start) and end_step=\(end).")
            }
            steps = start...end
        default:
            throw StrideError.invalidParameter(
                "If either start step or end step are specified, both must be specified.")
        }
        return try await phrased { try await store.sampledMetricHistory(runIDs: runIDs, key: key, maxResultsPerRun: maxResults, steps: steps) }
    }
}
