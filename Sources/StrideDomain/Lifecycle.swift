/// Whether an experiment or run is live or soft-deleted (MLflow's `lifecycle_stage`).
public enum LifecycleStage: String, Sendable, Hashable {
    case active
    case deleted
}

/// Which lifecycle stages a search returns (MLflow's `ViewType`).
public enum ViewType: String, Sendable, Hashable, CaseIterable {
    case activeOnly = "ACTIVE_ONLY"
    case deletedOnly = "DELETED_ONLY"
    case all = "ALL"

    /// The enum's protobuf number, which requests may send instead of the name.
    public var number: Int {
        switch self {
        case .activeOnly: 1
        case .deletedOnly: 2
        case .all: 3
        }
    }

    /// Parses a name or a protobuf number, as protobuf's JSON mapping does.
    public init?(wireValue: String) {
        if let byName = ViewType(rawValue: wireValue.uppercased()) {
            self = byName
        } else if let number = Int(wireValue), let byNumber = ViewType.allCases.first(where: { $0.number == number }) {
            self = byNumber
        } else {
            return nil
        }
    }

    /// The stages this view includes.
    public var stages: [LifecycleStage] {
        switch self {
        case .activeOnly: [.active]
        case .deletedOnly: [.deleted]
        case .all: [.active, .deleted]
        }
    }
}

/// A run's execution state (MLflow's `RunStatus`).
public enum RunStatus: String, Sendable, Hashable, CaseIterable {
    case running = "RUNNING"
    case scheduled = "SCHEDULED"
    case finished = "FINISHED"
    case failed = "FAILED"
    case killed = "KILLED"

    /// The enum's protobuf number, also the value stored in the database.
    public var number: Int {
        switch self {
        case .running: 1
        case .scheduled: 2
        case .finished: 3
        case .failed: 4
        case .killed: 5
        }
    }

    public init?(number: Int) {
        guard let status = RunStatus.allCases.first(where: { $0.number == number }) else { return nil }
        self = status
    }

    /// Parses a name or a protobuf number, as protobuf's JSON mapping does.
    public init?(wireValue: String) {
        if let byName = RunStatus(rawValue: wireValue.uppercased()) {
            self = byName
        } else if let number = Int(wireValue), let status = RunStatus(number: number) {
            self = status
        } else {
            return nil
        }
    }
}
