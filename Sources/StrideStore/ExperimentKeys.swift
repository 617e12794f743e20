/// The param, metric and tag keys the runs of one experiment have used, each list sorted.
///
/// A key stays listed after the tag that introduced it is deleted: the summary answers "which
/// columns can this experiment show", and an empty column costs less than rescanning runs.
public struct ExperimentKeys: Sendable, Equatable {
    public var params: [String]
    public var metrics: [String]
    public var tags: [String]

    public init(params: [String] = [], metrics: [String] = [], tags: [String] = []) {
        self.params = params
        self.metrics = metrics
        self.tags = tags
    }
}
