/// An MLflow 3 evaluation dataset (GenAI): named records of inputs and expectations that
/// `mlflow.genai.evaluate` runs against, owned by a project and linked to any of its experiments.
public struct EvaluationDataset: Sendable, Equatable {
    /// `d-` and 32 hex digits.
    public var id: String
    public var name: String
    /// Sorted by key.
    public var tags: [Tag]
    /// JSON text of the field types seen in the records (``DatasetSchema``); nil until records arrive.
    public var schema: String?
    /// JSON text `{"num_records": N}`; nil while the dataset has no records.
    public var profile: String?
    /// Changes whenever records are written (``digestText(name:lastUpdateTime:)``).
    public var digest: String
    public var creationTime: Int64
    public var lastUpdateTime: Int64
    public var createdBy: String?
    public var lastUpdatedBy: String?
    /// The linked experiments that still exist, ascending.
    public var experimentIDs: [ExperimentID]

    public init(
        id: String, name: String, tags: [Tag], schema: String?, profile: String?, digest: String, creationTime: Int64,
        lastUpdateTime: Int64, createdBy: String?, lastUpdatedBy: String?, experimentIDs: [ExperimentID]
    ) {
        self.id = id
        self.name = name
        self.tags = tags
        self.schema = schema
        self.profile = profile
        self.digest = digest
        self.creationTime = creationTime
        self.lastUpdateTime = lastUpdateTime
        self.createdBy = createdBy
        self.lastUpdatedBy = lastUpdatedBy
        self.experimentIDs = experimentIDs
    }

    public static func makeID() -> String {
        "d-" + RunIDGenerator.make()
    }

    /// The tag whose value names the user, on datasets and records (`created_by`, `last_updated_by`).
    public static let userTag = "mlflow.user"

    /// What MLflow hashes for a dataset's digest (the first 8 hex digits of its SHA-256).
    public static func digestText(name: String, lastUpdateTime: Int64) -> String {
        "\(name):\(lastUpdateTime)"
    }

    /// MLflow's profile: the number of records, or nil for none.
    public static func profile(recordCount: Int) -> String? {
        recordCount > 0 ? "{\"num_records\": \(recordCount)}" : nil
    }
}

/// One record of an evaluation dataset, its JSON fields kept as Python-style JSON text
/// (``JSONValue/pythonText(sortingKeys:)``), as MLflow stores them.
public struct DatasetRecord: Sendable, Equatable {
    /// `dr-` and 32 hex digits.
    public var id: String
    public var datasetID: String
    /// SHA-256 of the inputs' sorted-key text: a dataset holds one record per inputs.
    public var inputHash: String
    public var inputs: String
    /// Absent when stored as null.
    public var outputs: String?
    public var expectations: String?
    public var tags: String
    public var source: DatasetRecordSource?
    public var creationTime: Int64
    public var lastUpdateTime: Int64
    public var createdBy: String?
    public var lastUpdatedBy: String?

    public init(
        id: String, datasetID: String, inputHash: String, inputs: String, outputs: String?, expectations: String?, tags: String,
        source: DatasetRecordSource?, creationTime: Int64, lastUpdateTime: Int64, createdBy: String?, lastUpdatedBy: String?
    ) {
        self.id = id
        self.datasetID = datasetID
        self.inputHash = inputHash
        self.inputs = inputs
        self.outputs = outputs
        self.expectations = expectations
        self.tags = tags
        self.source = source
        self.creationTime = creationTime
        self.lastUpdateTime = lastUpdateTime
        self.createdBy = createdBy
        self.lastUpdatedBy = lastUpdatedBy
    }

    public static func makeID() -> String {
        "dr-" + RunIDGenerator.make()
    }
}

/// Where a record came from: a trace, a person, a document or code.
public struct DatasetRecordSource: Sendable, Equatable {
    /// MLflow's `DatasetRecordSourceType` values.
    public static let types = ["UNSPECIFIED", "TRACE", "HUMAN", "DOCUMENT", "CODE"]

    /// One of ``types``.
    public var type: String
    /// JSON text of the source's object `{"source_type": …, "source_data": {…}}`.
    public var json: String
    /// The trace id of a trace source, else `source_data.source_id`, for lookups.
    public var sourceID: String?

    public init(type: String, json: String, sourceID: String?) {
        self.type = type
        self.json = json
        self.sourceID = sourceID
    }
}
