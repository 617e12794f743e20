/// MLflow's table of what each view's metrics take, and the parsing of a request's names and
/// filters against it, with MLflow's messages.
extension TraceMetrics {
    private struct Rule {
        let metric: Metric
        let aggregations: Set<AggregationKind>
        let dimensions: Set<Dimension>
    }

    private static let numeric: Set<AggregationKind> = [.sum, .avg, .min, .max, .percentile]
    private static let spread: Set<AggregationKind> = [.avg, .min, .max, .percentile]
    private static let tokenKeys = ["input_tokens", "output_tokens", "total_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"]
    private static let costKeys = ["input_cost", "output_cost", "total_cost"]

    /// Metric names in MLflow's order, per view.
    private static func rules(_ view: View) -> [(String, Rule)] {
        switch view {
        case .traces:
            [
                ("trace_count", Rule(metric: .traceCount, aggregations: [.count], dimensions: [.traceName, .traceStatus])),
                ("session_count", Rule(metric: .sessionCount, aggregations: [.count], dimensions: [])),
                ("latency", Rule(metric: .traceLatency, aggregations: spread, dimensions: [.traceName])),
            ] + tokenKeys.map { ($0, Rule(metric: .tokens($0), aggregations: numeric, dimensions: [.traceName])) }
        case .spans:
            [
                ("span_count", Rule(
                    metric: .spanCount, aggregations: [.count],
                    dimensions: [.spanName, .spanType, .spanStatus, .spanModelName, .spanModelProvider])),
                ("latency", Rule(metric: .spanLatency, aggregations: spread, dimensions: [.spanName, .spanStatus])),
            ] + costKeys.map { ($0, Rule(metric: .spanCost($0), aggregations: numeric, dimensions: [.spanModelName, .spanModelProvider])) }
        case .assessments:
            [
                ("assessment_count", Rule(metric: .assessmentCount, aggregations: [.count], dimensions: [.assessmentName, .assessmentValue])),
                ("assessment_value", Rule(metric: .assessmentValue, aggregations: spread, dimensions: [.assessmentName])),
            ]
        }
    }

    /// Checks names against the view's table and builds the query; `filters` are MLflow's
    /// one-clause filter strings.
    public static func query(
        experimentIDs: [ExperimentID], view: View, metricName: String, aggregations: [Aggregation], dimensions: [String], filters: [String],
        timeIntervalSeconds: Int64?, startTimeMs: Int64?, endTimeMs: Int64?, maxResults: Int
    ) throws(StrideError) -> Query {
        let table = rules(view)
        guard let rule = table.first(where: { $0.0 == metricName })?.1 else {
            throw .invalidParameter("metric_name must be one of \(pythonList(table.map(\.0))), got '\(metricName)'")
        }
        guard !aggregations.isEmpty else { throw .missingValue("aggregations") }
        let invalidKinds = Set(aggregations.map(\.kind)).subtracting(rule.aggregations)
        guard invalidKinds.isEmpty else {
            throw .invalidParameter(
                "Found invalid aggregation_type(s): \(pythonList(invalidKinds.map(\.rawValue).sorted())). "
                    + "Supported aggregation types: \(pythonList(rule.aggregations.map(\.rawValue).sorted()))")
        }
        for aggregation in aggregations {
            if aggregation.kind == .percentile {
                guard let value = aggregation.percentile, value >= 0, value <= 100 else {
                    throw .invalidParameter("Percentile value must be between 0 and 100, got \(aggregation.percentile.map { "\($0)" } ?? "none")")
                }
            } else if aggregation.percentile != nil {
                throw .invalidParameter("Percentile value is only allowed for PERCENTILE aggregation type, got \(aggregation.kind.rawValue)")
            }
        }
        let parsedDimensions = dimensions.map { Dimension(rawValue: $0) }
        let invalidDimensions = zip(dimensions, parsedDimensions).filter { _, parsed in
            guard let parsed else { return true }
            return !rule.dimensions.contains(parsed)
        }.map(\.0)
        guard invalidDimensions.isEmpty else {
            throw .invalidParameter(
                "Found invalid dimension(s): \(pythonList(Array(Set(invalidDimensions)).sorted())). "
                    + "Supported dimensions: \(pythonList(rule.dimensions.map(\.rawValue).sorted()))")
        }
        if let interval = timeIntervalSeconds {
            guard interval > 0, interval <= 366 * 24 * 3600 else {
                throw .invalidParameter("time_interval_seconds must be between 1 and \(366 * 24 * 3600), got \(interval)")
            }
            guard startTimeMs != nil, endTimeMs != nil else {
                throw .invalidParameter("start_time_ms and end_time_ms are required if time_interval_seconds is set")
            }
        }
        guard maxResults >= 1 else { throw .invalidParameter("max_results must be a positive integer, got \(maxResults)") }
        return Query(
            experimentIDs: experimentIDs, view: view, metricName: metricName, metric: rule.metric, aggregations: aggregations,
            dimensions: parsedDimensions.compactMap { $0 }, filters: try filters.map { (text) throws(StrideError) in try Self.filter(text, view: view) },
            timeIntervalSeconds: timeIntervalSeconds, startTimeMs: startTimeMs, endTimeMs: endTimeMs, maxResults: maxResults)
    }

    /// One filter: exactly one `=` comparison with a quoted value.
    static func filter(_ text: String, view: View) throws(StrideError) -> Filter {
        let tree = try FilterParser.parse(text, scopedPrefixes: ["span", "assessment"])
        guard case .all(let children) = tree, children.count == 1, case .clause(let comparison) = children[0] else {
            throw .invalidParameter("Invalid filter: '\(text)'. Expected one filter clause.")
        }
        guard comparison.op == .equal else {
            throw .invalidParameter("Invalid comparator '\(comparison.op.rawValue)' in filter '\(text)'. Only '=' is supported.")
        }
        guard case .string(let value) = comparison.value else {
            throw .invalidParameter("Expected a quoted string value (e.g. 'my-value') in filter '\(text)'.")
        }
        let invalid = StrideError.invalidParameter(
            "Invalid identifier '\(comparison.key)'. Columns should be specified as 'trace.<key>', 'span.<key>', 'assessment.<key>'.")
        guard comparison.entity == .attribute else { throw invalid }
        let parts = comparison.key.split(separator: ".", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count > 1 ? parts[1] : nil) {
        case ("status", nil): return .traceStatus(value)
        case ("tag", let key?): return .traceTag(key, value)
        case ("metadata", let key?): return .traceMetadata(key, value)
        case ("span", let field?):
            guard view == .spans else { throw .invalidParameter("Filtering by span is only supported for SPANS view type, got \(view.rawValue)") }
            switch field {
            case "name": return .spanName(value)
            case "status": return .spanStatus(value)
            case "type": return .spanType(value)
            default: throw .invalidParameter("Invalid entity '\(field)' specified for view type 'span'. Valid entities are ['name', 'status', 'type']")
            }
        case ("assessment", let field?):
            guard view == .assessments else {
                throw .invalidParameter("Filtering by assessment is only supported for ASSESSMENTS view type, got \(view.rawValue)")
            }
            switch field {
            case "name": return .assessmentName(value)
            case "type": return .assessmentType(value)
            default: throw .invalidParameter("Invalid entity '\(field)' specified for view type 'assessment'. Valid entities are ['name', 'type']")
            }
        default:
            throw invalid
        }
    }

    private static func pythonList(_ items: [String]) -> String {
        "[" + items.map { "'\($0)'" }.joined(separator: ", ") + "]"
    }
}
