/// Aggregating a store's samples into data points, as MLflow's SQL `GROUP BY` does.
extension TraceMetrics {
    /// Groups samples by time bucket (with an interval) and dimensions, in ascending order of
    /// those, and computes each aggregation over the group's values. As in MLflow: samples
    /// outside `[start, end]` are left out, a sample missing a dimension value belongs to no group,
    /// an aggregation without values is left out of its point, a point without values is dropped,
    /// and without dimensions or buckets there is one group even with no samples.
    public static func aggregate(_ samples: [Sample], _ query: Query) -> [DataPoint] {
        struct Group {
            var bucket: Int64?
            var dimensions: [String]
            var values: [Double] = []
            var distinct: Set<String> = []
        }
        var groups: [[String]: Group] = [:]
        let grouped = query.timeIntervalSeconds != nil || !query.dimensions.isEmpty
        if !grouped { groups[[]] = Group(bucket: nil, dimensions: []) }
        for sample in samples {
            if let start = query.startTimeMs, sample.timestampMs < start { continue }
            if let end = query.endTimeMs, sample.timestampMs > end { continue }
            let dimensions = sample.dimensions.compactMap { $0 }
            guard dimensions.count == sample.dimensions.count else { continue }
            let bucket = query.timeIntervalSeconds.flatMap { bucketStart(sample.timestampMs, seconds: $0) }
            if query.timeIntervalSeconds != nil, bucket == nil { continue }
            let key = (bucket.map { [String($0)] } ?? []) + dimensions
            var group = groups[key] ?? Group(bucket: bucket, dimensions: dimensions)
            if let value = sample.value, value.isFinite { group.values.append(value) }
            if let distinct = sample.distinct { group.distinct.insert(distinct) }
            groups[key] = group
        }
        let ordered = groups.values.sorted { lhs, rhs in
            if lhs.bucket != rhs.bucket { return (lhs.bucket ?? 0) < (rhs.bucket ?? 0) }
            return lhs.dimensions.lexicographicallyPrecedes(rhs.dimensions)
        }
        var points: [DataPoint] = []
        for group in ordered {
            guard points.count < query.maxResults else { break }
            var dimensions: [KeyValue] = []
            if let bucket = group.bucket { dimensions.append(KeyValue(key: timeBucketKey, value: isoTimestamp(milliseconds: bucket))) }
            for (dimension, value) in zip(query.dimensions, group.dimensions) {
                dimensions.append(KeyValue(key: dimension.rawValue, value: value))
            }
            let counted = query.metric == .sessionCount ? group.distinct.count : group.values.count
            let values = query.aggregations.compactMap { aggregation -> (key: String, value: Double)? in
                Self.value(of: aggregation, over: group.values, count: counted).map { (aggregation.label, $0) }
            }
            guard !values.isEmpty else { continue }
            points.append(DataPoint(metricName: query.metricName, dimensions: dimensions, values: values))
        }
        return points
    }

    static func value(of aggregation: Aggregation, over values: [Double], count: Int) -> Double? {
        if aggregation.kind == .count { return Double(count) }
        guard !values.isEmpty else { return nil }
        switch aggregation.kind {
        case .count: return Double(count)
        case .sum: return values.reduce(0, +)
        case .avg: return values.reduce(0, +) / Double(values.count)
        case .min: return values.min()
        case .max: return values.max()
        case .percentile: return percentile(values.sorted(), (aggregation.percentile ?? 50) / 100)
        }
    }

    /// Linear interpolation between the closest ranks (numpy's default, PostgreSQL's
    /// `percentile_cont`), `fraction` in 0...1, over sorted values.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double? {
        guard let first = sorted.first else { return nil }
        guard sorted.count > 1 else { return first }
        let position = min(max(fraction, 0), 1) * Double(sorted.count - 1)
        let lower = position.rounded(.down)
        guard let index = Int(exactly: lower), index >= 0, index < sorted.count else { return nil }
        guard index + 1 < sorted.count else { return sorted[index] }
        return sorted[index] + (position - lower) * (sorted[index + 1] - sorted[index])
    }

    /// The start of the bucket holding `milliseconds`, buckets of `seconds` counted from the epoch.
    static func bucketStart(_ milliseconds: Int64, seconds: Int64) -> Int64? {
        let (size, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow, size > 0 else { return nil }
        var quotient = milliseconds / size
        if milliseconds % size != 0, milliseconds < 0 { quotient -= 1 }
        let (start, startOverflow) = quotient.multipliedReportingOverflow(by: size)
        return startOverflow ? nil : start
    }

    /// Python's `datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat()`:
    /// `2025-01-02T03:04:05+00:00`, with `.ffffff` when the time has a fraction of a second.
    public static func isoTimestamp(milliseconds: Int64) -> String {
        var seconds = milliseconds / 1000
        var fraction = milliseconds % 1000
        if fraction < 0 {
            fraction += 1000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = ProtobufTime.civil(fromDays: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay % 3600 / 60, 2)):\(pad(secondOfDay % 60, 2))"
        if fraction != 0 { text += "." + pad(fraction * 1000, 6) }
        return text + "+00:00"
    }
}
