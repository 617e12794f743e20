public import StrideDomain
public import StrideStore

/// MLflow 3 tracing: traces, their tags and links to runs, and their search.
///
/// Every trace id a request names is checked against the caller's project: a trace of another
/// project's experiment is "not found", and batch reads leave it out.
public struct TraceService: Sendable {
    let store: any TraceStore
    let tracking: TrackingService
    let clock: any TimeSource

    public init(store: any TraceStore, tracking: TrackingService, clock: any TimeSource = SystemTimeSource()) {
        self.store = store
        self.tracking = tracking
        self.clock = clock
    }

    /// Stores a trace the client has finished (`StartTraceV3`): its fields are kept as sent; the
    /// server adds `mlflow.artifactLocation` (where the client puts `traces.json`) and marks the
    /// info finalized.
    public func start(_ trace: TraceInfo, project: String = ProjectContext.current) async throws -> TraceInfo {
        try TraceID.validate(trace.id, field: "trace.trace_info.trace_id")
        let experiment = try await tracking.experiment(id: trace.experimentID.description, project: project)
        guard experiment.lifecycleStage == .active else {
            throw StrideError.invalidParameter("The experiment \(experiment.id) must be in the 'active' state. Current state is deleted.")
        }
        if let owner = try await store.traceExperiments(ids: [trace.id])[trace.id], try await !tracking.ownership.owns(owner, project) {
            throw Self.missing(trace.id)
        }
        var trace = try Self.validated(trace)
        let location = tracking.artifacts.traceLocation(experimentLocation: experiment.artifactLocation, traceID: trace.id)
        trace.tags = uniqueByKey(trace.tags.filter { $0.key != TraceKeys.artifactLocation } + [Tag(key: TraceKeys.artifactLocation, value: location)])
        trace.metadata = uniqueByKey(trace.metadata + [KeyValue(key: TraceKeys.infoFinalized, value: "true")])
        let now = clock.nowMilliseconds()
        trace.assessments = try trace.assessments.map { (assessment) throws(StrideError) in
            var assessment = assessment
            assessment.traceID = trace.id
            if assessment.id.isEmpty { assessment.id = Assessment.makeID() }
            if assessment.createTime == 0 { assessment.createTime = now }
            if assessment.lastUpdateTime == 0 { assessment.lastUpdateTime = assessment.createTime }
            try Assessment.validateName(assessment.name)
            return assessment
        }
        return try await store.startTrace(trace)
    }

    /// The trace's info, tags, metadata and assessments.
    public func trace(id: String, project: String = ProjectContext.current) async throws -> TraceInfo {
        try await requireTraces([id], in: project)
        guard let trace = try await store.traceInfos(ids: [id]).first else { throw Self.missing(id) }
        return trace
    }

    /// The caller's traces among `ids`, in that order; unknown ids and other projects' traces are left out.
    public func traces(ids: [String], project: String = ProjectContext.current) async throws -> [TraceInfo] {
        try Self.checkCount(ids)
        let owned = try await ownedIDs(ids, project)
        return try await store.traceInfos(ids: ids.filter(owned.contains))
    }

    /// The trace and its spans, as OpenTelemetry protobuf-JSON, in start order.
    public func traceWithSpans(id: String, project: String = ProjectContext.current) async throws -> (TraceInfo, [TraceSpan]) {
        let info = try await trace(id: id, project: project)
        return (info, try await store.spans(traceID: id))
    }

    /// The spans of each of the caller's traces among `ids`.
    public func tracesWithSpans(ids: [String], project: String = ProjectContext.current) async throws -> [(TraceInfo, [TraceSpan])] {
        var result: [(TraceInfo, [TraceSpan])] = []
        for info in try await traces(ids: ids, project: project) {
            result.append((info, try await store.spans(traceID: info.id)))
        }
        return result
    }

    /// Filters and orders the experiments' traces, one keyset page at a time.
    public func search(
        experimentIDs: [String], filter: String?, orderBy: [String], maxResults: Int?, pageToken: String?,
        project: String = ProjectContext.current
    ) async throws -> (traces: [TraceInfo], nextPageToken: String?) {
        guard !experimentIDs.isEmpty else { throw StrideError.missingValue("locations") }
        let ids = try ExperimentID.searchList(experimentIDs)
        for id in ids { try await tracking.ownership.requireExperiment(id, in: project) }
        let tree = try TraceFilter.parse(filter ?? "")
        let order = try TraceFilter.parseOrder(orderBy)
        let limit = maxResults ?? 100
        guard limit >= 1, limit <= Limits.maxTraceSearchResults else {
            throw StrideError.invalidParameter(
                "Invalid value for request parameter max_results. It must be at most \(Limits.maxTraceSearchResults), but got value \(limit)")
        }
        let after = try pageToken.flatMap { $0.isEmpty ? nil : $0 }.map { (token) throws(StrideError) in try PageToken.decodeRunCursor(token) }
        let page = try await store.searchTraces(TraceQuery(experimentIDs: ids, filter: tree, order: order, maxResults: limit, after: after))
        return (page.traces, page.next.map(PageToken.encode))
    }

    /// Deletes traces of an experiment by id, or (without ids) at most `maxTraces` of those that
    /// started at or before `maxTimestamp`; answers how many it deleted.
    public func delete(
        experimentID: String, ids: [String], maxTimestamp: Int64?, maxTraces: Int?, project: String = ProjectContext.current
    ) async throws -> Int {
        let experiment = try await tracking.experiment(id: experimentID, project: project)
        switch (ids.isEmpty, maxTimestamp) {
        case (false, nil):
            try Self.checkCount(ids)
            let owners = try await store.traceExperiments(ids: ids)
            return try await store.deleteTraces(ids: ids.filter { owners[$0] == experiment.id })
        case (true, let maxTimestamp?):
            let limit = maxTraces ?? Limits.maxTracesPerRequest
            guard limit >= 1 else { throw StrideError.invalidParameter("`max_traces` must be a positive integer, received \(limit).") }
            return try await store.deleteTraces(experimentID: experiment.id, before: maxTimestamp, limit: min(limit, Limits.maxTracesPerRequest))
        default:
            throw StrideError.invalidParameter("Exactly one of `max_timestamp_millis` and `request_ids` must be specified.")
        }
    }

    public func setTag(id: String, key: String, value: String, project: String = ProjectContext.current) async throws {
        let tag = try EntityValidation.validatedTag(Tag(key: key, value: value))
        try await requireTraces([id], in: project)
        try await store.setTraceTag(id: id, tag: tag)
    }

    public func deleteTag(id: String, key: String, project: String = ProjectContext.current) async throws {
        guard !key.isEmpty else { throw StrideError.missingValue("key") }
        try await requireTraces([id], in: project)
        try await store.deleteTraceTag(id: id, key: key)
    }

    /// Links the traces to a run of the same project (`traces/link-to-run`). As in MLflow, a
    /// trace need not be stored yet: the client links a trace while its spans are still being
    /// exported in the background, so an unknown id is remembered for when it arrives.
    public func link(traceIDs: [String], toRun runID: String, project: String = ProjectContext.current) async throws {
        guard !runID.isEmpty else { throw StrideError.missingValue("run_id") }
        guard traceIDs.count <= 100 else {
            throw StrideError.invalidParameter(
                "Cannot link more than 100 traces to a run in a single request. Provided \(traceIDs.count) traces.")
        }
        try await tracking.ownership.requireRun(runID, in: project)
        for id in traceIDs { try TraceID.validate(id) }
        let owners = try await store.traceExperiments(ids: traceIDs)
        for (id, experiment) in owners where try await !tracking.ownership.owns(experiment, project) { throw Self.missing(id) }
        let unstored = traceIDs.filter { owners[$0] == nil }
        if !unstored.isEmpty {
            guard let links = store as? any TraceLinkStore else { throw Self.missing(unstored[0]) }
            try await links.linkUnstoredTraces(ids: unstored, toRun: runID)
        }
        try await store.linkTraces(ids: traceIDs.filter { owners[$0] != nil }, toRun: runID)
    }

    /// Refuses the request unless every id names a trace of the caller's project.
    func requireTraces(_ ids: [String], in project: String) async throws {
        for id in ids { try TraceID.validate(id) }
        let owned = try await ownedIDs(ids, project)
        if let missing = ids.first(where: { !owned.contains($0) }) { throw Self.missing(missing) }
    }

    private func ownedIDs(_ ids: [String], _ project: String) async throws -> Set<String> {
        var owned = Set<String>()
        for (id, experiment) in try await store.traceExperiments(ids: ids) where try await tracking.ownership.owns(experiment, project) {
            owned.insert(id)
        }
        return owned
    }

    private static func checkCount(_ ids: [String]) throws(StrideError) {
        guard ids.count <= Limits.maxTracesPerRequest else {
            throw StrideError.invalidParameter(
                "\(ids.count) trace ids is more than \(Limits.maxTracesPerRequest) (the limit of traces in one request).")
        }
    }

    /// Tags and metadata checked as run tags are (key at most 250 characters, value truncated
    /// to 8,000), previews cut to MLflow's column width.
    static func validated(_ trace: TraceInfo) throws(StrideError) -> TraceInfo {
        var trace = trace
        guard trace.tags.count + trace.metadata.count <= Limits.maxTraceKeyValues else {
            throw StrideError.invalidParameter(
                "A trace carries at most \(Limits.maxTraceKeyValues) tags and metadata entries; got \(trace.tags.count + trace.metadata.count).")
        }
        trace.tags = try trace.tags.map { (tag) throws(StrideError) in try EntityValidation.validatedTag(tag, path: "tags") }
        trace.metadata = try trace.metadata.map { (entry) throws(StrideError) in try EntityValidation.validatedTag(entry, path: "trace_metadata") }
        if let clientRequestID = trace.clientRequestID, clientRequestID.unicodeScalars.count > Limits.maxClientRequestIDLength {
            throw StrideError.invalidParameter("client_request_id exceeds the maximum length of \(Limits.maxClientRequestIDLength) characters.")
        }
        trace.requestPreview = trace.requestPreview.map(Self.preview)
        trace.responsePreview = trace.responsePreview.map(Self.preview)
        return trace
    }

    private static func preview(_ text: String) -> String {
        text.unicodeScalars.count <= Limits.maxTracePreviewLength
            ? text : String(String.UnicodeScalarView(text.unicodeScalars.prefix(Limits.maxTracePreviewLength)))
    }

    static func missing(_ id: String) -> StrideError {
        .notFound("Trace with ID '\(id)' not found.")
    }
}
