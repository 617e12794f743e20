/// A named model in the registry, with its tags, aliases and the newest version in each stage.
public struct RegisteredModel: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var creationTime: Int64
    public var lastUpdatedTime: Int64
    /// The highest non-deleted version in each stage that has one, ordered by stage.
    public var latestVersions: [ModelVersion]
    public var tags: [Tag]
    public var aliases: [ModelAlias]
    public var project: String

    public init(
        name: String, description: String?, creationTime: Int64, lastUpdatedTime: Int64, latestVersions: [ModelVersion],
        tags: [Tag], aliases: [ModelAlias], project: String
    ) {
        self.name = name
        self.description = description
        self.creationTime = creationTime
        self.lastUpdatedTime = lastUpdatedTime
        self.latestVersions = latestVersions
        self.tags = tags
        self.aliases = aliases
        self.project = project
    }
}

/// A named pointer from a registered model to one of its versions (`champion` → 3).
public struct ModelAlias: Sendable, Hashable {
    public var alias: String
    public var version: Int64

    public init(alias: String, version: Int64) {
        self.alias = alias
        self.version = version
    }
}

/// One numbered version of a registered model.
public struct ModelVersion: Sendable, Equatable {
    public var name: String
    public var version: Int64
    public var creationTime: Int64
    public var lastUpdatedTime: Int64
    public var stage: ModelStage
    public var description: String?
    public var source: String
    public var runID: String?
    public var runLink: String?
    /// The MLflow 3 logged model the version was registered from, if any.
    public var modelID: String?
    public var tags: [Tag]
    /// The aliases that point at this version.
    public var aliases: [String]

    public init(
        name: String, version: Int64, creationTime: Int64, lastUpdatedTime: Int64, stage: ModelStage, description: String?,
        source: String, runID: String?, runLink: String?, modelID: String? = nil, tags: [Tag], aliases: [String]
    ) {
        self.modelID = modelID
        self.name = name
        self.version = version
        self.creationTime = creationTime
        self.lastUpdatedTime = lastUpdatedTime
        self.stage = stage
        self.description = description
        self.source = source
        self.runID = runID
        self.runLink = runLink
        self.tags = tags
        self.aliases = aliases
    }
}

/// The deprecated but still served model-version stages, spelled as MLflow returns them.
public enum ModelStage: String, Sendable, Hashable, CaseIterable {
    case none = "None"
    case staging = "Staging"
    case production = "Production"
    case archived = "Archived"

    /// Reads a stage in any letter case, as MLflow's `get_canonical_stage` does.
    public init(parsing text: String) throws(StrideError) {
        guard let stage = Self.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            throw .invalidParameter(
                "Invalid Model Version stage: \(text). Value must be one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        self = stage
    }

    /// Stages whose current holders `archive_existing_versions` may move to Archived.
    public var isActive: Bool { self == .staging || self == .production }
}
