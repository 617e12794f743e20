public import NIOCore
import NIOHTTP1
import StrideDomain

/// MLflow's error JSON for a request that NIO's HTTP decoder refused before it became a request
/// (a head over the size limit, bytes that are not HTTP, a raw non-ASCII URL).
///
/// No route or middleware sees such a request, so the connection handler writes these bytes
/// itself and closes the connection: after a framing error nothing more on it can be trusted.
public enum MalformedRequestAnswer {
    /// The whole HTTP/1.1 response, `Connection: close`.
    public static func response(to error: any Error) -> ByteBuffer {
        let refusal = Self.refusal(error)
        return encode(status: refusal.status, reason: refusal.reason, code: refusal.code, message: refusal.message)
    }

    /// The answer to a request whose head did not arrive in time.
    public static func headTimeout() -> ByteBuffer {
        encode(status: 408, reason: "Request Timeout", code: .badRequest, message: "The request head was not received in time.")
    }

    private static func encode(status: Int, reason: String, code: StrideError.Code, message: String) -> ByteBuffer {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("error_code", code.rawValue)
        writer.field("message", message)
        writer.endObject()
        var buffer = ByteBuffer()
        buffer.writeString(
            "HTTP/1.1 \(status) \(reason)\r\ncontent-type: application/json\r\n"
                + "content-length: \(writer.bytes.count)\r\nconnection: close\r\n\r\n")
        buffer.writeBytes(writer.bytes)
        return buffer
    }

    static func refusal(_ error: any Error) -> (status: Int, reason: String, code: StrideError.Code, message: String) {
        guard let parserError = error as? HTTPParserError else {
            return (400, "Bad Request", .badRequest, "Malformed HTTP request.")
        }
        switch parserError {
        case .headerOverflow:
            return (431, "Request Header Fields Too Large", .badRequest,
                    "The request URL and headers exceed \(Limits.maxRequestHeadBytes) bytes.")
        case .invalidURL, .invalidPath, .invalidQueryString, .invalidFragment, .invalidHost, .invalidPort, .invalidCharactersUsed:
            return (400, "Bad Request", .badRequest,
                    "The request URL is not valid HTTP: characters outside ASCII must be percent-encoded.")
        case .invalidChunkSize, .invalidConstant:
            return (400, "Bad Request", .badRequest, "Malformed chunked request body.")
        default:
            return (400, "Bad Request", .badRequest, "Malformed HTTP request.")
        }
    }
}
