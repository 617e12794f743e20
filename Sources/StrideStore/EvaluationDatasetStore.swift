public import StrideDomain

/// What `datasets/create` stores: ids, times and the digest are chosen by the service.
public struct NewEvaluationDataset: Sendable {
    public var id: String
    public var project: String
    public var name: String
    public var tags: [Tag]
    /// Experiments of `project`, checked by the service.
    public var experimentIDs: [ExperimentID]
    public var digest: String
    public var creationTime: Int64
    public var createdBy: String?

    public init(
        id: String, project: String, name: String, tags: [Tag], experimentIDs: [ExperimentID], digest: String, creationTime: Int64,
        createdBy: String?
    ) {
        self.id = id
        self.project = project
        self.name = name
        self.tags = tags
        self.experimentIDs = experimentIDs
        self.digest = digest
        self.creationTime = creationTime
        self.createdBy = createdBy
    }
}

/// One records upsert: each change with the id a new record would take and its inputs' hash.
public struct DatasetRecordsUpsert: Sendable {
    public struct Item: Sendable {
        public var change: DatasetRecordChange
        public var inputHash: String
        public var newID: String

        public init(change: DatasetRecordChange, inputHash: String, newID: String) {
            self.change = change
            self.inputHash = inputHash
            self.newID = newID
        }
    }

    public var items: [Item]
    public var time: Int64
    /// The dataset's digest after the write (its name and `time` hashed).
    public var digest: String

    public init(items: [Item], time: Int64, digest: String) {
        self.items = items
        self.time = time
        self.digest = digest
    }
}

/// Where a records page ended: the last record's creation time and id (MLflow's cursor).
public struct DatasetRecordCursor: Sendable, Equatable {
    public var creationTime: Int64
    public var recordID: String

    public init(creationTime: Int64, recordID: String) {
        self.creationTime = creationTime
        self.recordID = recordID
    }
}

/// A `datasets/search` request, parsed and validated.
public struct EvaluationDatasetQuery: Sendable {
    public var project: String
    /// Datasets linked to any of these; empty means every dataset of the project.
    public var experimentIDs: [ExperimentID]
    public var filter: FilterTree<EvaluationDatasetFilter.Clause>
    public var order: [EvaluationDatasetFilter.Order]
    public var maxResults: Int
    public var offset: Int

    public init(
        project: String, experimentIDs: [ExperimentID] = [], filter: FilterTree<EvaluationDatasetFilter.Clause> = .matchAll,
        order: [EvaluationDatasetFilter.Order] = EvaluationDatasetFilter.defaultOrder, maxResults: Int = 1000, offset: Int = 0
    ) {
        self.project = project
        self.experimentIDs = experimentIDs
        self.filter = filter
        self.order = order
        self.maxResults = maxResults
        self.offset = offset
    }
}

/// Persistence for MLflow 3 evaluation datasets, which belong to a project.
///
/// Each call is one transaction. Every call names the dataset's project: a dataset of another
/// project is found by none of them, exactly like an unknown id (`.notFound(.evaluationDataset)`).
/// Experiment ids come checked against the project by the service; a dataset's experiment list
/// leaves out experiments that no longer exist.
public protocol EvaluationDatasetStore: Sendable {
    /// An unknown project is `.notFound(.project)`.
    func createEvaluationDataset(_ dataset: NewEvaluationDataset) async throws -> EvaluationDataset

    func evaluationDataset(id: String, project: String) async throws -> EvaluationDataset?

    /// Deletes the dataset with its tags, records and experiment links; an unknown one is left alone, as in MLflow.
    func deleteEvaluationDataset(id: String, project: String) async throws

    /// One offset page of the project's datasets matching the query, in its order.
    func searchEvaluationDatasets(_ query: EvaluationDatasetQuery) async throws -> ResultPage<EvaluationDataset>

    /// Sets (overwrites) tags; the dataset's update time stays, as in MLflow.
    func setEvaluationDatasetTags(id: String, project: String, tags: [Tag]) async throws

    /// Removes a tag; a missing tag, or dataset, is left alone, as in MLflow.
    func deleteEvaluationDatasetTag(id: String, project: String, key: String) async throws

    /// Links the dataset to the experiments (a repeated link is kept once) and stamps its update time.
    func addEvaluationDatasetExperiments(id: String, project: String, experimentIDs: [ExperimentID], at time: Int64) async throws
        -> EvaluationDataset

    /// Unlinks the experiments; the update time changes only when a link went.
    func removeEvaluationDatasetExperiments(id: String, project: String, experimentIDs: [ExperimentID], at time: Int64) async throws
        -> EvaluationDataset

    /// Inserts each change whose inputs the dataset lacks and merges the others into the stored
    /// record (``DatasetRecordChange/merged(into:at:)``); updates schema, profile, digest, update
    /// time and last writer. Answers how many records were inserted and updated.
    func upsertEvaluationDatasetRecords(id: String, project: String, _ upsert: DatasetRecordsUpsert) async throws
        -> (inserted: Int, updated: Int)

    /// Records in (creation time, id) order after `cursor`, at most `limit`.
    func evaluationDatasetRecords(id: String, project: String, limit: Int, after cursor: DatasetRecordCursor?) async throws
        -> (records: [DatasetRecord], next: DatasetRecordCursor?)

    /// Deletes the dataset's records among `recordIDs`; answers how many went and updates the profile.
    func deleteEvaluationDatasetRecords(id: String, project: String, recordIDs: [String]) async throws -> Int
}
