import Crypto
import Foundation
public import StrideDomain
public import StrideStore

/// MLflow 3 evaluation datasets (GenAI): datasets of a project, their tags, records and links to
/// the project's experiments.
///
/// A dataset of another project is answered exactly as an unknown one, and every experiment a
/// request links must belong to the caller's project.
public struct EvaluationDatasetService: Sendable {
    let store: any EvaluationDatasetStore
    let tracking: TrackingService
    let clock: any TimeSource

    public init(store: any EvaluationDatasetStore, tracking: TrackingService, clock: any TimeSource = SystemTimeSource()) {
        self.store = store
        self.tracking = tracking
        self.clock = clock
    }

    /// Creates a dataset without records; `tagsJSON` is the request's JSON object text.
    public func create(name: String, experimentIDs: [String], tagsJSON: String?, project: String = ProjectContext.current) async throws
        -> EvaluationDataset
    {
        try EvaluationDataset.validateName(name)
        let tags = try tagsJSON.flatMap { $0.isEmpty ? nil : $0 }.map { (text) throws(StrideError) in try EvaluationDataset.tags(fromJSON: text) } ?? []
        let experiments = try await ownedExperiments(experimentIDs, project)
        let now = clock.nowMilliseconds()
        return try await phrased { try await store.createEvaluationDataset(NewEvaluationDataset(
            id: EvaluationDataset.makeID(), project: project, name: name, tags: tags, experimentIDs: experiments,
            digest: Self.digest(name: name, at: now), creationTime: now,
            createdBy: tags.last { $0.key == EvaluationDataset.userTag }?.value)) }
    }

    public func dataset(id: String, project: String = ProjectContext.current) async throws -> EvaluationDataset {
        guard let dataset = try await store.evaluationDataset(id: id, project: project) else { throw Self.missing(id) }
        return dataset
    }

    /// Deletes the dataset and its records; an unknown one (or another project's) is left alone, as MLflow answers it.
    public func delete(id: String, project: String = ProjectContext.current) async throws {
        try await store.deleteEvaluationDataset(id: id, project: project)
    }

    /// Filters and orders the project's datasets (those linked to `experimentIDs` when given), one offset page at a time.
    public func search(
        experimentIDs: [String], filter: String?, orderBy: [String], maxResults: Int?, pageToken: String?,
        project: String = ProjectContext.current
    ) async throws -> (datasets: [EvaluationDataset], nextPageToken: String?) {
        let limit = maxResults ?? Limits.defaultEvaluationDatasetSearchResults
        guard limit >= 1, limit <= Limits.maxSearchResults else {
            throw StrideError.invalidParameter(
                "Invalid value \(limit) for parameter 'max_results' supplied. It must be a positive integer at most \(Limits.maxSearchResults)")
        }
        let tree = try EvaluationDatasetFilter.parse(filter ?? "")
        let order = try EvaluationDatasetFilter.parseOrder(orderBy)
        let offset = try pageToken.flatMap { $0.isEmpty ? nil : $0 }.map { (token) throws(StrideError) in try PageToken.decodeOffset(token) } ?? 0
        // An id that names no experiment of the project matches no dataset, as an unknown id does in MLflow.
        let named = try ExperimentID.searchList(experimentIDs.filter { Int64($0) != nil })
        var owned: [ExperimentID] = []
        for id in named where try await tracking.ownership.owns(id, project) { owned.append(id) }
        if !experimentIDs.isEmpty && owned.isEmpty { return ([], nil) }
        let page = try await store.searchEvaluationDatasets(
            EvaluationDatasetQuery(project: project, experimentIDs: owned, filter: tree, order: order, maxResults: limit, offset: offset))
        return (page.items, page.nextOffset.map { PageToken.encode(offset: $0) })
    }

    /// Sets tags from the request's JSON object text; existing tags with other keys stay.
    public func setTags(id: String, tagsJSON: String, project: String = ProjectContext.current) async throws {
        let tags = try EvaluationDataset.tags(fromJSON: tagsJSON)
        try await phrased { try await store.setEvaluationDatasetTags(id: id, project: project, tags: tags) }
    }

    /// Removes a tag; a missing tag or dataset is fine, as in MLflow.
    public func deleteTag(id: String, key: String, project: String = ProjectContext.current) async throws {
        try await store.deleteEvaluationDatasetTag(id: id, project: project, key: key)
    }

    public func addExperiments(id: String, experimentIDs: [String], project: String = ProjectContext.current) async throws -> EvaluationDataset {
        let experiments = try await ownedExperiments(experimentIDs, project)
        return try await phrased { try await store.addEvaluationDatasetExperiments(
            id: id, project: project, experimentIDs: experiments, at: clock.nowMilliseconds()) }
    }

    /// Unlinks experiments; an id the dataset is not linked to is skipped, as in MLflow.
    public func removeExperiments(id: String, experimentIDs: [String], project: String = ProjectContext.current) async throws
        -> EvaluationDataset
    {
        let experiments = try EvaluationDataset.experimentIDs(experimentIDs.filter { Int64($0) != nil })
        return try await phrased { try await store.removeEvaluationDatasetExperiments(
            id: id, project: project, experimentIDs: experiments, at: clock.nowMilliseconds()) }
    }

    /// Inserts or merges the records of the request's `records` JSON text (a list of record
    /// objects); answers how many were inserted and how many updated.
    public func upsertRecords(id: String, recordsJSON: String, project: String = ProjectContext.current) async throws
        -> (inserted: Int, updated: Int)
    {
        let changes = try DatasetRecordChange.parseList(recordsJSON)
        let name = try await dataset(id: id, project: project).name
        let now = clock.nowMilliseconds()
        let items = changes.map { change in
            DatasetRecordsUpsert.Item(change: change, inputHash: Self.sha256Hex(change.inputsKeyText), newID: DatasetRecord.makeID())
        }
        return try await phrased { try await store.upsertEvaluationDatasetRecords(
            id: id, project: project, DatasetRecordsUpsert(items: items, time: now, digest: Self.digest(name: name, at: now))) }
    }

    /// One page of records in creation order; the token is MLflow's `base64("<created time>:<record id>")`.
    public func records(id: String, maxResults: Int?, pageToken: String?, project: String = ProjectContext.current) async throws
        -> (records: [DatasetRecord], nextPageToken: String?)
    {
        let limit = maxResults.flatMap { $0 == 0 ? nil : $0 } ?? Limits.defaultEvaluationDatasetRecordsPage
        guard limit >= 1, limit <= Limits.maxEvaluationDatasetRecordsPage else {
            throw StrideError.invalidParameter(
                "Invalid value \(limit) for parameter 'max_results' supplied. It must be a positive integer at most \(Limits.maxEvaluationDatasetRecordsPage)")
        }
        let cursor = try pageToken.flatMap { $0.isEmpty ? nil : $0 }.map { (token) throws(StrideError) in try Self.decodeCursor(token) }
        let page = try await phrased { try await store.evaluationDatasetRecords(id: id, project: project, limit: limit, after: cursor) }
        return (page.records, page.next.map(Self.encodeCursor))
    }

    public func deleteRecords(id: String, recordIDs: [String], project: String = ProjectContext.current) async throws -> Int {
        guard recordIDs.count <= Limits.maxEvaluationDatasetRecordIDsPerDelete else {
            throw StrideError.invalidParameter(
                "dataset_record_ids: \(recordIDs.count) ids is more than \(Limits.maxEvaluationDatasetRecordIDsPerDelete) (the limit of records in one delete).")
        }
        return try await phrased { try await store.deleteEvaluationDatasetRecords(id: id, project: project, recordIDs: recordIDs) }
    }

    // MARK: Helpers

    /// The ids, each an experiment of `project` (else "not found", as MLflow answers an unknown one).
    private func ownedExperiments(_ texts: [String], _ project: String) async throws -> [ExperimentID] {
        let ids = try EvaluationDataset.experimentIDs(texts)
        for id in ids { try await tracking.ownership.requireExperiment(id, in: project) }
        return ids
    }

    /// MLflow's digest: the first 8 hex digits of SHA-256 over the name and update time.
    static func digest(name: String, at time: Int64) -> String {
        String(sha256Hex(EvaluationDataset.digestText(name: name, lastUpdateTime: time)).prefix(8))
    }

    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }

    static func encodeCursor(_ cursor: DatasetRecordCursor) -> String {
        Data("\(cursor.creationTime):\(cursor.recordID)".utf8).base64EncodedString()
    }

    static func decodeCursor(_ token: String) throws(StrideError) -> DatasetRecordCursor {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
              let colon = text.firstIndex(of: ":"), let time = Int64(text[..<colon])
        else {
            throw .invalidParameter("Invalid page token '\(token)'.")
        }
        return DatasetRecordCursor(creationTime: time, recordID: String(text[text.index(after: colon)...]))
    }

    static func missing(_ id: String) -> StrideError {
        .missing(.evaluationDataset(id: id))
    }
}
