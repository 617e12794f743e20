import AsyncHTTPClient
import Crypto
import NIOCore
import NIOHTTP1
import Synchronization

/// The object operations the artifact store uses.
extension S3Client {
    /// One page of `ListObjectsV2`.
    struct ListPage {
        var objects: [(key: String, size: Int64)]
        /// Keys up to the next delimiter, each ending in it: the "folders".
        var commonPrefixes: [String]
        var nextContinuationToken: String?
    }

    /// The size of the object at `key`, nil when there is none.
    func objectSize(_ key: String) async throws -> Int64? {
        do {
            let (head, _) = try await send(Call(operation: "HeadObject", method: .HEAD, key: key))
            return head.headers.first(name: "content-length").flatMap { Int64($0) } ?? 0
        } catch let refusal as S3ServiceError where refusal.status == 404 {
            return nil
        }
    }

    /// Stores `body` at `key` in one request.
    func putObject(_ key: String, body: ByteBuffer) async throws {
        _ = try await send(Call(operation: "PutObject", method: .PUT, key: key, headers: newObjectHeaders, body: body))
    }

    /// Stores the `length` bytes of `body` at `key` as they arrive, in one request with a declared
    /// length: S3 keeps nothing of a body that stops short. Sent once, never retried, since the body
    /// cannot be read twice; an error `body` throws (the uploader went away) passes unchanged.
    func putObject(_ key: String, streaming body: some AsyncSequence<ByteBuffer, any Error> & Sendable, length: Int64) async throws {
        let call = Call(operation: "PutObject", method: .PUT, key: key, headers: newObjectHeaders)
        var request = try await request(for: call, streamed: true)
        let loan = BodyLoan()
        request.body = .stream(LentBody(base: body, loan: loan), length: .known(length))
        let outcome: Result<HTTPClientResponse, any Error>
        do {
            outcome = try await checkedResponse(to: request, of: call, timeout: Self.transferTimeout)
            await loan.takeBack()
        } catch {
            await loan.takeBack()
            if let uploaderGone = loan.sourceFailure { throw uploaderGone }
            throw S3Unreachable(operation: call.operation, endpoint: endpoint.hostHeader, underlying: String(describing: error))
        }
        let response = try outcome.get()
        // The answer is an empty body; reading it returns the connection to the pool.
        do {
            _ = try await response.body.collect(upTo: Self.maxErrorBodyBytes)
        } catch {
            throw S3Unreachable(operation: call.operation, endpoint: endpoint.hostHeader, underlying: String(describing: error))
        }
    }

    /// A small object's bytes, nil when there is none.
    func smallObject(_ key: String, maxBytes: Int) async throws -> ByteBuffer? {
        do {
            return try await send(Call(operation: "GetObject", method: .GET, key: key), maxAnswerBytes: maxBytes).body
        } catch let refusal as S3ServiceError where refusal.code == "NoSuchKey" {
            return nil
        }
    }

    /// Streams `range` of the object at `key` into `sink`. A connection lost part way is resumed
    /// from the byte reached with a new ranged request, so a retry never repeats delivered bytes.
    func getObject(_ key: String, range: Range<Int64>, into sink: (ByteBuffer) async throws -> Void) async throws {
        var offset = range.lowerBound
        var interruptions = 0
        while offset < range.upperBound {
            let call = Call(operation: "GetObject", method: .GET, key: key, headers: [("range", "bytes=\(offset)-\(range.upperBound - 1)")])
            do {
                try await withRetries(call, timeout: Self.transferTimeout) { response in
                    var chunks = response.body.makeAsyncIterator()
                    while offset < range.upperBound {
                        let next: ByteBuffer?
                        do {
                            next = try await chunks.next()
                        } catch {
                            throw BodyInterrupted(underlying: String(describing: error))
                        }
                        guard var chunk = next else { throw BodyInterrupted(underlying: "the body ended early") }
                        // Never past the range asked for, whatever the server sends.
                        let wanted = range.upperBound - offset
                        if Int64(chunk.readableBytes) > wanted, let slice = chunk.readSlice(length: Int(wanted)) { chunk = slice }
                        offset += Int64(chunk.readableBytes)
                        try await sink(chunk)
                    }
                }
            } catch let interruption as BodyInterrupted {
                interruptions += 1
                guard interruptions <= configuration.maxRetries else {
                    throw S3Unreachable(operation: "GetObject", endpoint: endpoint.hostHeader, underlying: interruption.underlying)
                }
                try await Task.sleep(for: .milliseconds(Self.backoffMilliseconds(attempt: interruptions - 1)))
            }
        }
    }

    /// A `ListObjectsV2` page of keys starting with `prefix`, grouped at `delimiter` when given.
    func listObjects(prefix: String, delimiter: String?, maxKeys: Int = 1000, continuationToken: String? = nil) async throws -> ListPage {
        var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(maxKeys))]
        if let delimiter { query.append(("delimiter", delimiter)) }
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        let (_, body) = try await send(Call(operation: "ListObjectsV2", method: .GET, key: nil, query: query))
        let text = S3XML.Fragment(body)
        let objects = S3XML.elements("Contents", in: text).compactMap { entry -> (key: String, size: Int64)? in
            guard let key = S3XML.value("Key", in: entry) else { return nil }
            return (key, S3XML.value("Size", in: entry).flatMap { Int64($0) } ?? 0)
        }
        let prefixes = S3XML.elements("CommonPrefixes", in: text).compactMap { S3XML.value("Prefix", in: $0) }
        let truncated = S3XML.value("IsTruncated", in: text) == "true"
        return ListPage(
            objects: objects, commonPrefixes: prefixes, nextContinuationToken: truncated ? S3XML.value("NextContinuationToken", in: text) : nil)
    }

    /// Removes one object; a missing one is not an error.
    func deleteObject(_ key: String) async throws {
        _ = try await send(Call(operation: "DeleteObject", method: .DELETE, key: key))
    }

    /// The most keys one `DeleteObjects` takes.
    static let maxKeysPerDelete = 1000

    /// Removes up to 1,000 objects in one request; a key S3 could not remove fails the call.
    func deleteObjects(_ keys: [String]) async throws {
        guard !keys.isEmpty else { return }
        var document = "<Delete><Quiet>true</Quiet>"
        for key in keys { document += "<Object><Key>\(S3XML.escaped(key))</Key></Object>" }
        document += "</Delete>"
        let body = ByteBuffer(string: document)
        let md5 = Base64.encode(Array(Insecure.MD5.hash(data: Array(document.utf8))))
        let call = Call(
            operation: "DeleteObjects", method: .POST, key: nil, query: [("delete", "")],
            headers: [("content-md5", md5), ("content-type", "application/xml")], body: body)
        let (_, answer) = try await send(call)
        let text = S3XML.Fragment(answer)
        if let failed = S3XML.elements("Error", in: text).first {
            throw S3ServiceError(
                operation: "DeleteObjects", status: 200, code: S3XML.value("Code", in: failed) ?? "Error",
                message: "\(S3XML.value("Key", in: failed) ?? ""): \(S3XML.value("Message", in: failed) ?? "")")
        }
    }

    /// Whether the bucket answers to these credentials; a refusal or silence throws.
    func checkBucket() async throws {
        _ = try await listObjects(prefix: configuration.location.prefix, delimiter: "/", maxKeys: 1)
    }

    /// Headers every new object is created with (server-side encryption, when asked for).
    var newObjectHeaders: [(name: String, value: String)] {
        configuration.serverSideEncryption?.headers ?? []
    }
}

/// The response body broke off; the bytes so far were delivered.
struct BodyInterrupted: Error {
    var underlying: String
}

/// Standard base64 with padding (for `Content-MD5`).
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0..<4 {
                output.append(position <= chunk.count ? alphabet[Int((value >> (18 - 6 * UInt32(position))) & 0x3F)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
