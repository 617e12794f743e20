public import StrideStore

/// How far an import got, for a progress bar or progress lines.
public struct ImportProgress: Sendable, Equatable {
    public enum Stage: String, Sendable {
        case runs = "metric points"
        case artifacts = "artifact bytes"
    }

    public var stage: Stage
    public var done: Int
    public var total: Int

    public init(stage: Stage, done: Int, total: Int) {
        self.stage = stage
        self.done = done
        self.total = total
    }
}

/// What an import found and wrote.
public struct ImportReport: Sendable, Equatable {
    public var inventory: SourceInventory
    public var experimentsCreated = 0
    /// Source experiments whose name the project had already; their runs went there.
    public var experimentsMerged = 0
    /// Runs read and written (new ones, and stored ones the source held more of).
    public var runsImported = 0
    /// Runs stored completely already, skipped.
    public var runsAlreadyPresent = 0
    public var params = 0
    public var tags = 0
    public var metricPoints = 0
    public var loggedModels = 0
    public var registeredModels = 0
    public var modelVersions = 0
    public var artifactFilesCopied = 0
    public var artifactBytesCopied: Int64 = 0
    /// Artifact files already in place with the same size, skipped.
    public var artifactFilesPresent = 0
    /// What was left as it was, in words.
    public var warnings: [String] = []

    public init(inventory: SourceInventory) {
        self.inventory = inventory
    }
}
