import NIOCore

/// Runs a connection's task on the event loop that does the connection's I/O.
///
/// Without it, each request moves from the event loop to a Swift concurrency thread (the request
/// head, the body), and its answer moves back (the write): two thread hand-offs, each a futex
/// wake-up, which on this kind of machine cost more CPU than a small write's own work
/// (docs/performance.md). With the connection's task preferring its event loop, the request is
/// parsed, handled, stored and answered on one thread; what the handler awaits elsewhere (a
/// file-system thread pool, the S3 client) still hops, and comes back here.
///
/// Only small writes are handled here (``RequestPlacementMiddleware`` moves every other request to
/// Swift's concurrency pool). They do not wait on this thread: a write either runs its group's
/// transaction here or suspends until another request's group has run theirs (`GroupCommit`).
final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
