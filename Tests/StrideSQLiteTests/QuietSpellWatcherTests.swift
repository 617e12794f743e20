import StrideStore
import Synchronization
import Testing

/// The watcher that gives memory back after a load (SQLite's page caches, the heap's free pages).
@Suite("A quiet-spell watcher acts once each time calls stop")
struct QuietSpellWatcherTests {
    @Test("it acts once a period passes without calls, once per quiet spell, and again after new calls")
    func actsOncePerQuietSpell() async throws {
        let (watcher, actions) = countingWatcher(targetStays: true)
        defer { watcher.stop() }
        try await waitUntil { actions.value == 1 }
        // A long quiet spell is still one.
        try await Task.sleep(for: .milliseconds(100))
        #expect(actions.value == 1)
        watcher.noteCall()
        try await waitUntil { actions.value == 2 }
        try await Task.sleep(for: .milliseconds(100))
        #expect(actions.value == 2)
    }

    @Test("an action that reports its target gone ends the watch")
    func endsWhenTheTargetIsGone() async throws {
        let (watcher, actions) = countingWatcher(targetStays: false)
        defer { watcher.stop() }
        try await waitUntil { actions.value == 1 }
        watcher.noteCall()
        try await Task.sleep(for: .milliseconds(100))
        #expect(actions.value == 1)
    }
}

/// A watcher with a 10 ms period whose action counts itself and reports whether its target stays.
private func countingWatcher(targetStays: Bool) -> (QuietSpellWatcher, Counter) {
    let watcher = QuietSpellWatcher(period: .milliseconds(10))
    let actions = Counter()
    watcher.start {
        actions.increment()
        return targetStays
    }
    return (watcher, actions)
}

private final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func increment() { count.add(1, ordering: .relaxed) }
}

/// Polls `condition` for up to ten seconds (a loaded CI machine may delay the watcher's wake-ups).
private func waitUntil(_ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("the condition did not hold within ten seconds")
            return
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}
