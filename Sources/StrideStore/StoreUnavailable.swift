/// The database stayed locked by another connection or process for the store's whole busy
/// timeout; the write was not applied and may be retried.
///
/// A store throws this, not its driver's error, so the API can answer 503 without SQL text.
public struct StoreUnavailable: Error, Sendable, Equatable {
    /// How long the store waited for the lock before giving up.
    public var waitedSeconds: Double

    public init(waitedSeconds: Double) {
        self.waitedSeconds = waitedSeconds
    }
}
