/// Which points of an ordered metric history `get-history-bulk-interval` returns (MLflow 3.13 and
/// later): the points are dealt into `limit` NTILE buckets (the first `count % limit` buckets hold one
/// point more), each bucket's first point is kept, and the last point replaces the last sample when
/// it is not already one. A history of at most `limit` points is returned whole.
///
/// The rule depends only on the number of points, so a store that can count a range and seek the
/// point at a position picks exactly MLflow's sample without numbering every point.
public enum MetricIntervalSample {
    /// Zero-based positions, ascending, of the sampled points among `count` ordered points.
    public static func positions(count: Int, limit: Int) -> [Int] {
        guard count > 0 else { return [] }
        let limit = max(1, limit)
        guard count > limit else { return Array(0..<count) }
        let bucketSize = count / limit
        let largerBuckets = count % limit
        var positions = (0..<limit).map { bucket in
            bucket < largerBuckets
                ? bucket * (bucketSize + 1)
                : largerBuckets * (bucketSize + 1) + (bucket - largerBuckets) * bucketSize
        }
        positions[limit - 1] = count - 1
        return positions
    }
}
