public import StrideDomain

/// Bulk writes for `stride import`: entities arrive whole, with the ids, times, statuses and stages
/// they had in the source, and every write keeps what is already stored (rows that exist are left
/// as they are), so importing the same data twice adds nothing and an interrupted import resumes.
///
/// Each call is one transaction.
public protocol ImportStore: Sendable {
    /// The project's experiment with this name (its missing tags added); else a new one, with
    /// `preferredID` when no experiment of any project has it. `created` says which.
    func importExperiment(_ experiment: ImportedExperiment, project: String) async throws
        -> (id: ExperimentID, artifactLocation: String, created: Bool)

    /// What is stored for each of `runIDs` that exists, with the experiment it belongs to.
    func storedRunContents(runIDs: [String]) async throws -> [String: StoredRun]

    /// Inserts the runs that are missing and the rows of each run that are missing. A run may come in
    /// several calls (its metric history in parts).
    func importRuns(_ runs: [ImportedRun]) async throws

    /// Inserts the logged models whose ids are missing; returns how many were.
    func importLoggedModels(_ models: [ImportedLoggedModel]) async throws -> Int

    /// Inserts the project's missing registered models, versions (by number), tags and aliases;
    /// returns how many models and versions were new.
    func importRegisteredModels(_ models: [ImportedRegisteredModel], project: String) async throws -> (models: Int, versions: Int)

    /// Called once after an import has written everything: brings what the database's query planner
    /// knows of each table (its size, its values) up to date, so the first searches after a large
    /// import do not run on plans made for empty tables.
    func importFinished() async throws
}

/// An experiment as the source has it; its runs follow separately.
public struct ImportedExperiment: Sendable, Equatable {
    public var preferredID: ExperimentID
    public var name: String
    public var lifecycleStage: LifecycleStage
    public var creationTime: Int64
    public var lastUpdateTime: Int64
    public var tags: [Tag]
    /// The location a new experiment gets, from the id the store assigns.
    public var artifactLocation: @Sendable (ExperimentID) -> String

    public init(
        preferredID: ExperimentID, name: String, lifecycleStage: LifecycleStage, creationTime: Int64, lastUpdateTime: Int64, tags: [Tag],
        artifactLocation: @escaping @Sendable (ExperimentID) -> String
    ) {
        self.preferredID = preferredID
        self.name = name
        self.lifecycleStage = lifecycleStage
        self.creationTime = creationTime
        self.lastUpdateTime = lastUpdateTime
        self.tags = tags
        self.artifactLocation = artifactLocation
    }

    public static func == (lhs: ImportedExperiment, rhs: ImportedExperiment) -> Bool {
        (lhs.preferredID, lhs.name, lhs.lifecycleStage, lhs.creationTime, lhs.lastUpdateTime, lhs.tags)
            == (rhs.preferredID, rhs.name, rhs.lifecycleStage, rhs.creationTime, rhs.lastUpdateTime, rhs.tags)
    }
}

/// How much of a run is stored, to tell a complete run from one that needs the rest of its rows.
public struct RunContents: Sendable, Equatable {
    public var params: Int
    public var tags: Int
    public var metricPoints: Int
    public var inputs: Int
    public var outputs: Int

    public init(params: Int = 0, tags: Int = 0, metricPoints: Int = 0, inputs: Int = 0, outputs: Int = 0) {
        self.params = params
        self.tags = tags
        self.metricPoints = metricPoints
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// A run already in the store: where it is and how much of it.
public struct StoredRun: Sendable, Equatable {
    public var experimentID: ExperimentID
    public var contents: RunContents

    public init(experimentID: ExperimentID, contents: RunContents) {
        self.experimentID = experimentID
        self.contents = contents
    }
}

/// A run with (a part of) what was logged to it, in the source's own terms until the importer maps
/// its experiment id and artifact URI.
public struct ImportedRun: Sendable, Equatable {
    public var info: RunInfo
    public var deletedTime: Int64?
    public var params: [Param]
    public var tags: [Tag]
    /// Points of the history, in any order; exact duplicates are kept once.
    public var metrics: [Metric]
    /// The latest point per key as the source recorded it.
    public var latestMetrics: [Metric]
    public var inputs: [DatasetInput]
    public var outputs: [ModelOutput]

    public init(
        info: RunInfo, deletedTime: Int64?, params: [Param] = [], tags: [Tag] = [], metrics: [Metric] = [], latestMetrics: [Metric] = [],
        inputs: [DatasetInput] = [], outputs: [ModelOutput] = []
    ) {
        self.info = info
        self.deletedTime = deletedTime
        self.params = params
        self.tags = tags
        self.metrics = metrics
        self.latestMetrics = latestMetrics
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// A logged model (MLflow 3) with its params, tags and metrics.
public struct ImportedLoggedModel: Sendable, Equatable {
    public var model: LoggedModel
    public var deleted: Bool

    public init(model: LoggedModel, deleted: Bool) {
        self.model = model
        self.deleted = deleted
    }
}

/// A registered model with its tags and aliases (its `latestVersions` unused), and every version.
public struct ImportedRegisteredModel: Sendable, Equatable {
    public var model: RegisteredModel
    public var versions: [ImportedModelVersion]

    public init(model: RegisteredModel, versions: [ImportedModelVersion]) {
        self.model = model
        self.versions = versions
    }
}

/// One version of a registered model, its number kept, with where its files are.
public struct ImportedModelVersion: Sendable, Equatable {
    public var version: ModelVersion
    public var storageLocation: String
    /// A deleted version keeps its number taken.
    public var deleted: Bool

    public init(version: ModelVersion, storageLocation: String, deleted: Bool) {
        self.version = version
        self.storageLocation = storageLocation
        self.deleted = deleted
    }
}
