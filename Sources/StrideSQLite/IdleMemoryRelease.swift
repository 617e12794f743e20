import Foundation
import GRDB
import Synchronization

/// Gives SQLite's page caches back once the store has gone quiet.
///
/// Under load the writer's page cache fills to its `cache_size` and each reader's to SQLite's
/// default 2 MiB, and SQLite keeps those pages allocated when the load ends: they were most of the
/// difference between the server's RSS before and after the standard workloads (docs/performance.md).
/// A watcher looks at the store's call count once per ``period``; after a period with calls and then
/// one without, it empties the writer's cache and closes the idle readers (the next read opens one
/// again, a fraction of a millisecond), then runs `afterRelease` (the server hands the freed heap back
/// to the system). A busy store is never interrupted, and an idle one is released once, not each period.
final class IdleMemoryRelease: Sendable {
    /// How long the store must go without a call before its caches are released.
    static let period: Duration = .seconds(1)

    private let calls = Atomic<Int>(0)
    private let watcher = Mutex<Task<Void, Never>?>(nil)

    /// Counts a store call; the watcher only compares counts, so a relaxed increment is enough.
    func noteCall() {
        calls.add(1, ordering: .relaxed)
    }

    /// Starts watching `pool` (once; later calls change nothing).
    func start(_ pool: DatabasePool, afterRelease: @escaping @Sendable () -> Void) {
        watcher.withLock { watcher in
            guard watcher == nil else { return }
            // Weak references: a store dropped without `close` ends the watcher at its next look.
            watcher = Task.detached(priority: .background) { [weak self, weak pool] in
                var seen = self?.calls.load(ordering: .relaxed) ?? 0
                var released = false
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.period)
                    guard let self, let pool else { return }
                    let now = self.calls.load(ordering: .relaxed)
                    if now != seen {
                        (seen, released) = (now, false)
                    } else if !released {
                        pool.releaseMemory()
                        afterRelease()
                        released = true
                    }
                }
            }
        }
    }

    func stop() {
        watcher.withLock { watcher in
            watcher?.cancel()
            watcher = nil
        }
    }
}
