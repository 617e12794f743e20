import NIOCore
import Synchronization

/// Lends a request body to the HTTP client for one upload and takes it back.
///
/// async-http-client reads a streamed body from a task of its own, which can still be waiting for the
/// next chunk after the request has failed (S3 went away mid-upload). The body here is the incoming
/// request's, which the HTTP server reads again once the handler returns; two readers at once trap
/// in NIO. ``takeBack()`` therefore waits for a read in progress to end and refuses every later one,
/// so when it returns nothing but the server reads the body. It also keeps the body's own error (the
/// uploader went away), to tell it apart from the transport's.
final class BodyLoan: Sendable {
    private struct State {
        var returned = false
        var reading = false
        var waiter: CheckedContinuation<Void, Never>?
        var sourceFailure: (any Error)?
    }

    private let state = Mutex(State())

    /// The first error the body threw while lent.
    var sourceFailure: (any Error)? { state.withLock { $0.sourceFailure } }

    /// Whether a read may start; false once the body is taken back.
    fileprivate func beginRead() -> Bool {
        state.withLock { state in
            guard !state.returned else { return false }
            state.reading = true
            return true
        }
    }

    fileprivate func endRead(failure: (any Error)?) {
        let waiter = state.withLock { state in
            state.reading = false
            if state.sourceFailure == nil { state.sourceFailure = failure }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Ends the loan: returns once no read is in progress, and no read starts after it. A read in
    /// progress ends with the uploader's next chunk, or with the server's idle timeout.
    func takeBack() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let readInProgress = state.withLock { state in
                state.returned = true
                if state.reading { state.waiter = continuation }
                return state.reading
            }
            if !readInProgress { continuation.resume() }
        }
    }
}

/// `base` as lent through `loan`: it reads as ended once the loan is over.
struct LentBody<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base
    let loan: BodyLoan

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let loan: BodyLoan

        mutating func next() async throws -> ByteBuffer? {
            guard loan.beginRead() else { return nil }
            do {
                let chunk = try await base.next()
                loan.endRead(failure: nil)
                return chunk
            } catch {
                loan.endRead(failure: error)
                throw error
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), loan: loan) }
}
