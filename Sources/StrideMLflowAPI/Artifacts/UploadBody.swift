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

    /// The body's length as the request declares it: a `Content-Length` of plain digits on a
    /// request not sent in chunks; nil otherwise. HTTP's framing holds the body to it.
    static func declaredLength(of request: Request) -> Int64? {
        guard request.headers[.transferEncoding] == nil, let text = request.headers[.contentLength],
            !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return Int64(text)
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: body.makeAsyncIterator())
    }
}
