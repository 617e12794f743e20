import StrideDomain
import Synchronization

/// Bounds the bytes of large request bodies held in memory at once, across all connections.
///
/// Each endpoint's own limit bounds one request; this bounds many clients sending maximum-size
/// dataset bodies together. A request that does not fit waits briefly for others to finish, then
/// gets 503 `TEMPORARILY_UNAVAILABLE`, which the mlflow client retries with backoff. Bodies no
/// larger than an ordinary endpoint's limit are not counted: they are the hot path, and small.
final class RequestBodyBudget: Sendable {
    private let capacity: Int
    private let inUse = Mutex(0)
    /// How long a request waits for room before it is refused.
    private let patience: Duration

    init(capacity: Int = Limits.maxBufferedBodyBytes, patience: Duration = .seconds(30)) {
        self.capacity = capacity
        self.patience = patience
    }

    /// Runs `body` holding `bytes` of the budget (nothing for ordinary bodies).
    func withReservation<T>(of bytes: Int, _ body: () async throws -> T) async throws -> T {
        guard bytes > Limits.maxRequestBodyBytes else { return try await body() }
        let reserved = min(bytes, capacity)
        let deadline = ContinuousClock.now + patience
        while !tryReserve(reserved) {
            guard ContinuousClock.now < deadline else {
                throw StrideError(.temporarilyUnavailable, "The server is reading other large requests; retry later.")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        defer { inUse.withLock { $0 -= reserved } }
        return try await body()
    }

    private func tryReserve(_ bytes: Int) -> Bool {
        inUse.withLock { used in
            guard used + bytes <= capacity else { return false }
            used += bytes
            return true
        }
    }
}
