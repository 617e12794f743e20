import HummingbirdCore
import Prometheus

/// Hummingbird's connection limit, also keeping `stride_open_connections` current.
struct CountedConnections: AvailableConnectionsDelegate {
    var limit: MaximumAvailableConnections
    let openConnections: Gauge?

    init(maxConnections: Int, metrics: ServerMetrics?) {
        limit = MaximumAvailableConnections(maxConnections)
        openConnections = metrics?.openConnections
    }

    mutating func connectionOpened() {
        limit.connectionOpened()
        openConnections?.increment()
    }

    mutating func connectionClosed() {
        limit.connectionClosed()
        openConnections?.decrement()
    }

    func isAcceptingNewConnections() -> Bool {
        limit.isAcceptingNewConnections()
    }
}
