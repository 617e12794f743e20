import Synchronization

/// Acts once each time a stream of calls stops: after a period that saw calls, then one that saw
/// none. A busy spell is never interrupted, and a long quiet one acts once, not every period.
///
/// Used to give memory back after a load (SQLite's page caches, then the heap's free pages): the
/// caller counts its calls with ``noteCall()``, a relaxed increment, and the watcher compares counts.
public final class QuietSpellWatcher: Sendable {
    /// How long calls must stop before the action runs.
    public let period: Duration
    private let calls = Atomic<Int>(0)
    private let watcher = Mutex<Task<Void, Never>?>(nil)

    public init(period: Duration = .seconds(1)) {
        self.period = period
    }

    /// Counts a call.
    public func noteCall() {
        calls.add(1, ordering: .relaxed)
    }

    /// Starts watching (once; later calls change nothing). `onQuiet` returns false when what it
    /// acts on is gone, which ends the watch; so does this watcher being released.
    public func start(onQuiet: @escaping @Sendable () -> Bool) {
        watcher.withLock { watcher in
            guard watcher == nil else { return }
            watcher = Task.detached(priority: .background) { [weak self, period] in
                var seen = self?.calls.load(ordering: .relaxed) ?? 0
                var acted = false
                while !Task.isCancelled {
                    try? await Task.sleep(for: period)
                    guard let self else { return }
                    let now = self.calls.load(ordering: .relaxed)
                    if now != seen {
                        (seen, acted) = (now, false)
                    } else if !acted {
                        guard onQuiet() else { return }
                        acted = true
                    }
                }
            }
        }
    }

    /// Ends the watch.
    public func stop() {
        watcher.withLock { watcher in
            watcher?.cancel()
            watcher = nil
        }
    }
}
