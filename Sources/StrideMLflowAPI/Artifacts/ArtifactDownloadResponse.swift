import HTTPTypes
import Hummingbird
import StrideService

/// The streamed response for one artifact file, with MLflow's headers and `Range` support.
///
/// The body is read from the store chunk by chunk as the socket drains, so memory stays flat
/// however large the file.
enum ArtifactDownloadResponse {
    static func make(_ download: ArtifactDownload, request: Request, artifacts: ArtifactService) -> Response {
        var headers: HTTPFields = [
            .contentType: ArtifactMediaType.forFile(named: download.fileName),
            .contentDisposition: ContentDisposition.attachment(fileName: download.fileName),
            .acceptRanges: "bytes",
        ]
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        let status: HTTPResponse.Status
        let range: Range<Int64>
        switch ByteRange(header: request.headers[.range], fileSize: download.size) {
        case .whole:
            status = .ok
            range = 0..<download.size
        case .partial(let requested):
            status = .partialContent
            range = requested
            headers[.contentRange] = "bytes \(requested.lowerBound)-\(requested.upperBound - 1)/\(download.size)"
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(download.size)"
            return Response(status: .rangeNotSatisfiable, headers: headers, body: ResponseBody())
        }
        let body = ResponseBody(contentLength: Int(range.count)) { writer in
            try await artifacts.read(download, range: range) { chunk in
                try await writer.write(chunk)
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }
}
