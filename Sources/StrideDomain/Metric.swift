/// One logged metric point.
public struct Metric: Sendable, Equatable {
    public var key: String
    public var value: Double
    public var timestamp: Int64
    public var step: Int64

    public init(key: String, value: Double, timestamp: Int64, step: Int64) {
        self.key = key
        self.value = value
        self.timestamp = timestamp
        self.step = step
    }

    /// MLflow's "latest" order: the larger step wins, then the later timestamp, then the larger value.
    ///
    /// NaN compares as 0 and loses a tie against a number, as in MLflow's SQL store, which keeps
    /// NaN as value 0 with a flag.
    public func isLater(than other: Metric) -> Bool {
        if step != other.step { return step > other.step }
        if timestamp != other.timestamp { return timestamp > other.timestamp }
        let mine = value.isNaN ? 0 : value
        let theirs = other.value.isNaN ? 0 : other.value
        if mine != theirs { return mine > theirs }
        return other.value.isNaN && !value.isNaN
    }

    /// Reduces points to the latest one per key, keeping the order in which keys first appear.
    public static func latestPerKey(_ metrics: [Metric]) -> [Metric] {
        var index: [String: Int] = [:]
        var latest: [Metric] = []
        for metric in metrics {
            if let position = index[metric.key] {
                if metric.isLater(than: latest[position]) { latest[position] = metric }
            } else {
                index[metric.key] = latest.count
                latest.append(metric)
            }
        }
        return latest
    }
}

/// A metric point tagged with its run, as returned by the bulk history endpoints.
public struct RunMetric: Sendable, Equatable {
    public var runID: String
    public var metric: Metric

    public init(runID: String, metric: Metric) {
        self.runID = runID
        self.metric = metric
    }
}
