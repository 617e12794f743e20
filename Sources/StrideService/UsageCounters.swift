public import CoreMetrics

/// What the use cases count for `GET /metrics`: metric points written and artifact bytes moved.
/// The composition root names the metrics backend; by default the counts go nowhere.
public struct UsageCounters: Sendable {
    let metricPoints: Counter
    let artifactBytesIn: Counter
    let artifactBytesOut: Counter

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        metricPoints = Counter(label: "stride_metric_points_ingested_total", factory: factory)
        artifactBytesIn = Counter(label: "stride_artifact_bytes_in_total", factory: factory)
        artifactBytesOut = Counter(label: "stride_artifact_bytes_out_total", factory: factory)
    }

    func metricPointsWritten(_ count: Int) {
        if count > 0 { metricPoints.increment(by: count) }
    }

    func artifactBytesWritten(_ count: Int64) {
        artifactBytesIn.increment(by: count)
    }

    func artifactBytesRead(_ count: Int) {
        artifactBytesOut.increment(by: count)
    }
}
