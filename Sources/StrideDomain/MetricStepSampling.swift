/// MLflow's rule for which steps `get-history-bulk-interval` returns (`get_metric_history_bulk_interval`
/// of its SQL store, up to 3.12): the distinct steps the runs logged inside the range, in order, are
/// sampled at positions `int(i * count / max_results)` for `i` in `0..<max_results`, the last step in the
/// range is added, and so is every run's first and last step that lies inside the range. Every point
/// logged at a chosen step is returned.
public enum MetricStepSampling {
    /// The positions, among `count` ordered distinct steps, that MLflow samples for `maxResults`;
    /// every position when there are no more steps than that.
    public static func positions(count: Int, maxResults: Int) -> [Int] {
        guard count > 0 else { return [] }
        guard count > maxResults, maxResults > 0 else { return Array(0..<count) }
        // Python's `num_steps / max_results` and `int(i * interval)`: the same doubles, truncated.
        let interval = Double(count) / Double(maxResults)
        var picked: [Int] = []
        picked.reserveCapacity(maxResults + 1)
        for index in 0..<maxResults {
            let position = Int(Double(index) * interval)
            if position < count, picked.last != position { picked.append(position) }
        }
        if picked.last != count - 1 { picked.append(count - 1) }
        return picked
    }

    /// Disjoint, ascending integer ranges whose union holds the given ones (touching ranges merge).
    public static func union(_ ranges: [ClosedRange<Int64>]) -> [ClosedRange<Int64>] {
        var merged: [ClosedRange<Int64>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound || (last.upperBound != .max && range.lowerBound == last.upperBound + 1) {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// The steps at `positions` (ascending) in the ordered union of disjoint ascending `ranges`.
    public static func steps(at positions: [Int], in ranges: [ClosedRange<Int64>]) -> [Int64] {
        var result: [Int64] = []
        result.reserveCapacity(positions.count)
        var rangeIndex = 0
        var before = 0  // positions held by the ranges before `rangeIndex`
        for position in positions {
            while rangeIndex < ranges.count {
                let (end, overflow) = before.addingReportingOverflow(count(of: ranges[rangeIndex]))
                guard !overflow, position >= end else { break }
                before = end
                rangeIndex += 1
            }
            guard rangeIndex < ranges.count else { break }
            result.append(ranges[rangeIndex].lowerBound + Int64(position - before))
        }
        return result
    }

    /// How many integers a range holds, saturated: a range wider than `Int.max` counts as `Int.max`.
    public static func count(of range: ClosedRange<Int64>) -> Int {
        let (width, overflow) = range.upperBound.subtractingReportingOverflow(range.lowerBound)
        guard !overflow, width < Int64.max else { return Int.max }
        return Int(width) + 1
    }
}
