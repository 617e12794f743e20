/// A project (MLflow 3 calls it a workspace): it owns experiments, runs, models and tokens.
public struct Project: Sendable, Equatable {
    public var name: String
    /// Milliseconds since the epoch.
    public var creationTime: Int64

    public init(name: String, creationTime: Int64) {
        self.name = name
        self.creationTime = creationTime
    }

    /// The project every server has; bare API routes (no `/projects/<name>` prefix) mean it.
    public static let defaultName = "default"
}
