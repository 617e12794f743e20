import Hummingbird
import NIOCore
import NIOHTTP1
import StrideDomain

/// Reads a request body of at most `maxBytes`, refusing a larger one as soon as it is known to be
/// larger: from its `Content-Length` before any byte is read, or at the byte that crosses the limit.
///
/// Every failure to read the body is the client's (too large, bad chunked framing, a connection
/// that closed or timed out mid-body), so each becomes a 400 in MLflow's shape.
struct RequestBodyLimit: Sendable {
    var maxBytes: Int
    /// Named in the refusal, so the client sees which endpoint's limit it hit.
    var path: String

    /// A body that arrives in one part (every small write) is that part itself, neither copied nor
    /// given a buffer of its own. Otherwise a declared length sizes the buffer once: growing it by
    /// doubling would hold up to twice the body, plus the copy made at each step.
    func collect(_ request: Request) async throws(StrideError) -> ByteBuffer {
        let declared = request.declaredContentLength
        if let declared, declared > maxBytes {
            throw tooLarge(declared: declared)
        }
        do {
            var collected: ByteBuffer?
            var owned = false
            for try await part in request.body {
                guard var body = collected else {
                    guard part.readableBytes <= maxBytes else { throw tooLarge(declared: nil) }
                    collected = part
                    continue
                }
                guard body.readableBytes + part.readableBytes <= maxBytes else { throw tooLarge(declared: nil) }
                collected = nil  // so `body` is the buffer's only reference and grows in place
                if !owned {
                    var sized = ByteBuffer()
                    sized.reserveCapacity(max(min(declared ?? 0, maxBytes), body.readableBytes + part.readableBytes))
                    sized.writeImmutableBuffer(body)
                    (body, owned) = (sized, true)
                }
                body.writeImmutableBuffer(part)
                collected = body
            }
            return collected ?? ByteBuffer()
        } catch let error as StrideError {
            throw error
        } catch let error as HTTPParserError {
            throw Self.malformed(error)
        } catch {
            throw StrideError(.badRequest, "The request body ended before it was complete.")
        }
    }

    private func tooLarge(declared: Int?) -> StrideError {
        let size = declared.map { ", got a request of size \($0)" } ?? ""
        return StrideError.invalidParameter(
            "Request bodies for \(path) must be at most \(maxBytes) bytes\(size). See the limits in docs/security.md.")
    }

    /// MLflow's error for a body NIO's HTTP decoder could not frame (chunk sizes, lengths).
    static func malformed(_ error: HTTPParserError) -> StrideError {
        switch error {
        case .invalidChunkSize, .invalidConstant: StrideError(.badRequest, "Malformed chunked request body.")
        default: StrideError(.badRequest, "Malformed HTTP request body.")
        }
    }
}
