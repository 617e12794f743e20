import Foundation
import Hummingbird
import HummingbirdTesting
import NIOHTTP1
import StrideDomain
import StrideStore
import Testing
@testable import StrideMLflowAPI

@Suite("Failures that are not the client's: a request id, never internal text")
struct ServerFaultResponseTests {
    struct InternalFailure: Error, CustomStringConvertible {
        var description: String { "no such table: runs_secret (SELECT * FROM runs_secret)" }
    }

    /// A router whose one route throws `error`, behind MLflow's error middleware.
    func withFailingRoute(_ error: any Error & Sendable, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = Router()
        router.add(middleware: MLflowErrorMiddleware(knownPaths: ["/fail"]))
        router.get("/fail") { _, _ -> Response in throw error }
        try await Application(router: router).test(.router, body)
    }

    @Test("an unexpected error is a 500 whose message and X-Request-Id carry the same id, not the error's text")
    func unexpectedError() async throws {
        try await withFailingRoute(InternalFailure()) { client in
            let response = try await client.get("/fail")
            #expect(response.status == .internalServerError)
            let body = try json(response)
            let requestID = try #require(response.headers[.requestID])
            #expect(body["error_code"] as? String == "INTERNAL_ERROR")
            #expect(body["message"] as? String == "Internal server error; request id \(requestID)")
        }
    }

    @Test("a StrideError with a server-side code hides its message too")
    func internalStrideError() async throws {
        try await withFailingRoute(StrideError(.internalError, "Access token 't1' has an unknown role 9.")) { client in
            let response = try await client.get("/fail")
            #expect(response.status == .internalServerError)
            #expect((try json(response)["message"] as? String)?.contains("unknown role") == false)
        }
    }

    @Test("a database locked past the busy timeout is 503 TEMPORARILY_UNAVAILABLE, which the client retries")
    func lockedDatabase() async throws {
        try await withFailingRoute(StoreUnavailable(waitedSeconds: 10)) { client in
            let response = try await client.get("/fail")
            #expect(response.status == .serviceUnavailable)
            let body = try json(response)
            let requestID = try #require(response.headers[.requestID])
            #expect(body["error_code"] as? String == "TEMPORARILY_UNAVAILABLE")
            #expect(body["message"] as? String == "The database is busy; retry the request later; request id \(requestID)")
        }
    }

    @Test("a body NIO could not frame is the client's 400, not a 500")
    func malformedBody() async throws {
        try await withFailingRoute(HTTPParserError.invalidChunkSize) { client in
            let response = try await client.get("/fail")
            #expect(response.status == .badRequest)
            #expect(try json(response)["message"] as? String == "Malformed chunked request body.")
        }
    }

    @Test("a head NIO refused is answered in MLflow's JSON, with the status that names the problem")
    func malformedHead() {
        let answer = String(buffer: MalformedRequestAnswer.response(to: HTTPParserError.headerOverflow))
        #expect(answer.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
        #expect(answer.contains("connection: close\r\n"))
        #expect(answer.hasSuffix(#"{"error_code":"BAD_REQUEST","message":"The request URL and headers exceed 81920 bytes."}"#))
    }
}

@Suite("Request bodies are limited per endpoint while they are read")
struct RequestBodyLimitTests {
    @Test("a log-batch one byte over MLflow's 1,000,000 is refused, naming the limit")
    func logBatchLimit() async throws {
        try await withTestClient { client in
            let padding = String(repeating: " ", count: Limits.maxBatchRequestBytes - 1)
            let response = try await client.post("/api/2.0/mlflow/runs/log-batch", "{}" + padding)
            #expect(response.status == .badRequest)
            let body = try json(response)
            #expect(body["error_code"] as? String == "INVALID_PARAMETER_VALUE")
            #expect((body["message"] as? String)?.hasPrefix(
                "Request bodies for /api/2.0/mlflow/runs/log-batch must be at most 1000000 bytes, got a request of size 1000001.") == true)
        }
    }

    @Test("a body at the limit is read and parsed")
    func atTheLimit() async throws {
        try await withTestClient { client in
            let runID = try await client.createRun()
            let document = #"{"run_id":"\#(runID)","params":[{"key":"p","value":"1"}]}"#
            let padded = document + String(repeating: " ", count: Limits.maxBatchRequestBytes - document.utf8.count)
            let response = try await client.post("/api/2.0/mlflow/runs/log-batch", padded)
            #expect(response.status == .ok)
        }
    }

    @Test("a search has a smaller limit than a write")
    func searchLimit() async throws {
        try await withTestClient { client in
            let filter = String(repeating: "a", count: Limits.maxSearchRequestBodyBytes)
            let response = try await client.post("/api/2.0/mlflow/experiments/search", #"{"filter":"\#(filter)"}"#)
            #expect(response.status == .badRequest)
            #expect((try json(response)["message"] as? String)?.contains("at most \(Limits.maxSearchRequestBodyBytes) bytes") == true)
        }
    }
}
