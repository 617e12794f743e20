import Hummingbird
import NIOCore
import StrideDomain

/// A request body whose read failures are the client's: a connection that closes, or a body shorter
/// than its `Content-Length`, becomes a 400 `BAD_REQUEST` instead of looking like a server fault.
///
/// The store discards the staged file either way; this only decides how the failure is reported.
struct UploadBody: AsyncSequence {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    let body: RequestBody

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator

        mutating func next() async throws -> ByteBuffer? {
            do {
                return try await base.next()
            } catch {
                // The cause (a reset connection, a framing error, a timeout) is the client's; its text is NIO's.
                throw StrideError(.badRequest, "The upload ended before its body was complete.")
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: body.makeAsyncIterator())
    }
}
