import CoreMetrics
import Foundation
import HTTPTypes
import Prometheus
import Synchronization

/// The metrics `GET /metrics` serves, in Prometheus' text format: one registry per server (no
/// global metrics system), fed by the HTTP middleware here and, through `factory`, by the
/// use cases' and the store's swift-metrics counters and timers.
public final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    /// The swift-metrics backend handed to the lower layers.
    let factory: PrometheusMetricsFactory
    let openConnections: Prometheus.Gauge
    let residentMemory: Prometheus.Gauge
    /// The series of each route, method and status met so far: the registry builds and hashes a
    /// labelled name under its lock for every lookup, which cost more per small write than the
    /// counting itself. Routes are patterns and methods and statuses are few, so this stays small.
    private let requestSeries = Mutex<[RequestSeriesKey: RequestSeries]>([:])

    /// Where the metrics are served.
    static let path = "/metrics"

    /// Request latencies are mostly below a millisecond, so the buckets start at 100 µs.
    static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.latencyBuckets
        self.factory = factory
        openConnections = registry.makeGauge(name: "stride_open_connections", help: "HTTP connections open now.")
        residentMemory = registry.makeGauge(name: "stride_process_resident_memory_bytes", help: "Resident set size of the server process.")
    }

    /// Counts one answered request under its route pattern (never the raw path, which would make a
    /// series per run id), method and status, with its latency and request body size.
    func recordRequest(route: String, method: HTTPRequest.Method, status: Int, duration: Duration, requestBytes: Int?) {
        let series = self.series(route: route, method: Self.methodLabel(method), status: status)
        series.requests.increment()
        series.duration.record(duration)
        if let requestBytes, requestBytes > 0 {
            series.requestBytes.increment(by: Int64(requestBytes))
        }
    }

    private func series(route: String, method: String, status: Int) -> RequestSeries {
        let key = RequestSeriesKey(route: route, method: method, status: status)
        if let known = requestSeries.withLock({ $0[key] }) { return known }
        let made = RequestSeries(
            requests: registry.makeCounter(
                name: "stride_http_requests_total", labels: [("route", route), ("method", method), ("status", String(status))]),
            duration: registry.makeDurationHistogram(
                name: "stride_http_request_duration_seconds", labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets),
            requestBytes: registry.makeCounter(name: "stride_http_request_bytes_total", labels: [("route", route), ("method", method)]))
        requestSeries.withLock { $0[key] = made }
        return made
    }

    /// The registry's text, with the process gauges read now.
    func exposition() -> [UInt8] {
        if let bytes = ProcessMemory.residentBytes() { residentMemory.set(bytes) }
        return registry.emitToBuffer()
    }

    /// Methods outside the standard set share one label, so a client cannot mint series.
    static func methodLabel(_ method: HTTPRequest.Method) -> String {
        switch method {
        case .get, .post, .put, .patch, .delete, .head, .options: method.rawValue
        default: "OTHER"
        }
    }
}

private struct RequestSeriesKey: Hashable {
    var route: String
    var method: String
    var status: Int
}

private struct RequestSeries: Sendable {
    let requests: Prometheus.Counter
    let duration: DurationHistogram
    let requestBytes: Prometheus.Counter
}

/// The process's memory as Linux reports it.
enum ProcessMemory {
    /// Resident set size in bytes from `/proc/self/statm` (its second field, in pages); nil elsewhere.
    static func residentBytes() -> Int64? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int64(fields[1]) else { return nil }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }
}
