import Hummingbird
import StrideDomain
import StrideService

/// `traces/metrics` and `traces/calculate-filter-correlation` (MLflow 3.12).
extension MLflowAPI {
    func traceAnalyticsEndpoints(_ service: TraceService) -> [MLflowEndpoint] {
        [
            MLflowEndpoint(method: .post, path: "/traces/metrics", access: .reader, version: "3.0", maxBodyBytes: Limits.maxSearchRequestBodyBytes) {
                request in
                let fields = request.fields
                guard let view = try fields.enumeration("view_type", Self.metricView) else { throw StrideError.missingValue("view_type") }
                let aggregations = try fields.messages("aggregations").map { (message) throws(StrideError) -> TraceMetrics.Aggregation in
                    guard let kind = try message.enumeration("aggregation_type", Self.aggregationKind) else {
                        throw StrideError.missingValue("aggregations.aggregation_type")
                    }
                    return TraceMetrics.Aggregation(kind: kind, percentile: try message.double("percentile_value"))
                }
                let points = try await service.queryMetrics(
                    experimentIDs: try fields.strings("experiment_ids"), view: view, metricName: try fields.requiredString("metric_name"),
                    aggregations: aggregations, dimensions: try fields.strings("dimensions"), filters: try fields.strings("filters"),
                    timeIntervalSeconds: try fields.int64("time_interval_seconds"), startTimeMs: try fields.int64("start_time_ms"),
                    endTimeMs: try fields.int64("end_time_ms"), maxResults: try fields.int("max_results"), project: request.project)
                return JSONResponse.page("data_points", points, bytesPerItem: 256) { writer, point in
                    writer.beginObject()
                    writer.field("metric_name", point.metricName)
                    writer.writeMap("dimensions", point.dimensions)
                    writer.key("values")
                    writer.beginObject()
                    for (key, value) in point.values { writer.field(key, value) }
                    writer.endObject()
                    writer.endObject()
                }
            },
            MLflowEndpoint(method: .post, path: "/traces/calculate-filter-correlation", access: .reader, version: "3.0",
                           maxBodyBytes: Limits.maxSearchRequestBodyBytes) { request in
                let fields = request.fields
                let result = try await service.filterCorrelation(
                    experimentIDs: try fields.strings("experiment_ids"), filter1: try fields.requiredString("filter_string1"),
                    filter2: try fields.requiredString("filter_string2"), baseFilter: try fields.string("base_filter"), project: request.project)
                var writer = JSONWriter()
                writer.beginObject()
                writer.field("npmi", result.npmi)
                writer.field("npmi_smoothed", result.npmiSmoothed)
                writer.field("filter1_count", Int64(result.filter1Count))
                writer.field("filter2_count", Int64(result.filter2Count))
                writer.field("joint_count", Int64(result.jointCount))
                writer.field("total_count", Int64(result.totalCount))
                writer.endObject()
                return JSONResponse.make(writer)
            },
        ]
    }

    /// `MetricViewType` by name or number.
    static func metricView(_ text: String) -> TraceMetrics.View? {
        switch text {
        case "1": .traces
        case "2": .spans
        case "3": .assessments
        default: TraceMetrics.View(rawValue: text)
        }
    }

    /// `AggregationType` by name or number.
    static func aggregationKind(_ text: String) -> TraceMetrics.AggregationKind? {
        let numbered: [String: TraceMetrics.AggregationKind] = ["1": .count, "2": .sum, "3": .avg, "4": .percentile, "5": .min, "6": .max]
        return numbered[text] ?? TraceMetrics.AggregationKind(rawValue: text)
    }
}
