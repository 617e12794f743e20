import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// S3's multipart upload calls.
extension S3Client {
    /// Opens a multipart upload of the object at `key` and returns S3's upload id.
    func createMultipartUpload(_ key: String) async throws -> String {
        let call = Call(operation: "CreateMultipartUpload", method: .POST, key: key, query: [("uploads", "")], headers: newObjectHeaders)
        let (_, body) = try await send(call)
        guard let uploadID = S3XML.value("UploadId", in: S3XML.Fragment(body)), !uploadID.isEmpty else {
            throw S3ServiceError(operation: "CreateMultipartUpload", status: 200, code: "MalformedAnswer", message: "no UploadId in the answer")
        }
        return uploadID
    }

    /// Sends one part and returns its ETag as S3 quotes it.
    func uploadPart(_ key: String, uploadID: String, partNumber: Int, body: ByteBuffer) async throws -> String {
        let call = Call(
            operation: "UploadPart", method: .PUT, key: key, query: Self.partQuery(uploadID: uploadID, partNumber: partNumber), body: body)
        let (head, _) = try await send(call)
        guard let etag = head.headers.first(name: "etag") else {
            throw S3ServiceError(operation: "UploadPart", status: 200, code: "MalformedAnswer", message: "no ETag in the answer")
        }
        return etag
    }

    /// A URL a client may PUT part `partNumber` to without credentials.
    func presignedPartURL(_ key: String, uploadID: String, partNumber: Int) async throws -> String {
        try await presignedURL(for: Call(operation: "UploadPart", method: .PUT, key: key, query: Self.partQuery(uploadID: uploadID, partNumber: partNumber)))
    }

    /// Joins the parts, in the order given, into the object.
    func completeMultipartUpload(_ key: String, uploadID: String, parts: [(number: Int, etag: String)]) async throws {
        var document = "<CompleteMultipartUpload>"
        for part in parts {
            let etag = part.etag.hasPrefix("\"") ? part.etag : "\"\(part.etag)\""
            document += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\(S3XML.escaped(etag))</ETag></Part>"
        }
        document += "</CompleteMultipartUpload>"
        let call = Call(
            operation: "CompleteMultipartUpload", method: .POST, key: key, query: [("uploadId", uploadID)],
            headers: [("content-type", "application/xml")], body: ByteBuffer(string: document))
        let (_, answer) = try await send(call)
        // S3 may answer 200 and report the failure in the body.
        let text = S3XML.Fragment(answer)
        if !S3XML.elements("Error", in: text).isEmpty {
            throw S3ServiceError(
                operation: "CompleteMultipartUpload", status: 200, code: S3XML.value("Code", in: text) ?? "Error",
                message: S3XML.value("Message", in: text) ?? "")
        }
    }

    /// Discards an upload and its parts; an unknown upload is not an error.
    func abortMultipartUpload(_ key: String, uploadID: String) async throws {
        do {
            _ = try await send(Call(operation: "AbortMultipartUpload", method: .DELETE, key: key, query: [("uploadId", uploadID)]))
        } catch let refusal as S3ServiceError where refusal.code == "NoSuchUpload" {
            return
        }
    }

    private static func partQuery(uploadID: String, partNumber: Int) -> [(name: String, value: String)] {
        [("partNumber", String(partNumber)), ("uploadId", uploadID)]
    }
}
