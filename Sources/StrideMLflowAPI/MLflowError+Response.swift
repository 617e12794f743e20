import HTTPTypes
import Hummingbird
import NIOCore
import StrideDomain

extension StrideError.Code {
    /// MLflow's `ERROR_CODE_TO_HTTP_STATUS`: which HTTP status goes with each error code.
    ///
    /// One deliberate difference: MLflow answers `INVALID_STATE` (e.g. renaming a deleted
    /// experiment) with 500, which the client retries for minutes; Stride answers 400 with the
    /// same error code, which is what the client's exception carries.
    var httpStatus: HTTPResponse.Status {
        switch self {
        case .invalidParameterValue, .badRequest, .resourceAlreadyExists, .invalidState: .badRequest
        case .resourceDoesNotExist, .endpointNotFound: .notFound
        case .unauthenticated: .unauthorized
        case .permissionDenied: .forbidden
        case .notImplemented: .notImplemented
        case .temporarilyUnavailable: .serviceUnavailable
        default: .internalServerError
        }
    }
}

/// Builds MLflow's error body, `{"error_code": ..., "message": ...}`.
enum MLflowErrorResponse {
    static func make(_ error: StrideError) -> Response {
        make(code: error.code.rawValue, message: error.message, status: error.code.httpStatus)
    }

    /// A 5xx: a fixed message plus the request id, which the server's log line for the failure
    /// also carries, in the message and the `X-Request-Id` header; never the failure's own text.
    static func serverFault(code: StrideError.Code, message: String, status: HTTPResponse.Status, requestID: String) -> Response {
        var response = make(code: code.rawValue, message: "\(message); request id \(requestID)", status: status)
        response.headers[.requestID] = requestID
        return response
    }

    static func make(code: String, message: String, status: HTTPResponse.Status) -> Response {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("error_code", code)
        writer.field("message", message)
        writer.endObject()
        return JSONResponse.make(writer, status: status)
    }
}

/// A JSON response from written bytes.
enum JSONResponse {
    static func make(_ writer: JSONWriter, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = writer.bytes
        guard bytes.count > largeAnswerChunkBytes else {
            return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        // A large answer (a run whose dataset carries a 16 MB profile) is sent in slices, so it is
        // not copied whole into a second buffer while the connection drains it.
        let body = ResponseBody(contentLength: bytes.count) { output in
            var start = 0
            while start < bytes.count {
                let end = min(start + largeAnswerChunkBytes, bytes.count)
                try await output.write(ByteBuffer(bytes: bytes[start..<end]))
                start = end
            }
            try await output.finish(nil)
        }
        return Response(status: status, headers: [.contentType: "application/json"], body: body)
    }

    /// Answers above this size leave in slices of it (``make(_:status:)``).
    static let largeAnswerChunkBytes = 1024 * 1024

    /// `{"<key>": <one entity>}`, the answer of MLflow's get and create endpoints.
    static func object(_ key: String, capacity: Int = 256, write: (inout JSONWriter) -> Void) -> Response {
        var writer = JSONWriter(capacity: capacity)
        writer.beginObject()
        writer.key(key)
        write(&writer)
        writer.endObject()
        return make(writer)
    }

    /// `{"<key>": [...], "next_page_token": "..."}` with the list and the token omitted when empty.
    static func page<Item>(
        _ key: String, _ items: [Item], nextPageToken: String? = nil, bytesPerItem: Int,
        write: (inout JSONWriter, Item) -> Void
    ) -> Response {
        var writer = JSONWriter(capacity: bytesPerItem * items.count + 64)
        writer.beginObject()
        writer.writeArray(key, items, element: write)
        if let nextPageToken { writer.field("next_page_token", nextPageToken) }
        writer.endObject()
        return make(writer)
    }

    /// `{}`, the answer of every MLflow write endpoint.
    static func empty() -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: "{}")))
    }
}
