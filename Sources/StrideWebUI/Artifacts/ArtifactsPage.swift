import Foundation
import Hummingbird
import NIOCore
import StrideDomain
import StrideService
import StrideStore

/// `/runs/:id/artifacts?path=…`: the run's artifact tree with a capped preview of the selected
/// file, and the routes that serve a file for download or, for images and HTML, inline.
extension WebUI {
    struct ArtifactsView {
        var runHref: String
        var tree: ArtifactTreeLevel
        var isEmpty: Bool
        var file: ArtifactPreviewView?
    }

    struct ArtifactPreviewView {
        var path: String
        var size: String
        var downloadHref: String
        var inlineHref: String
        var text: String?
        var tableRows: [[String]]
        var hasTable: Bool
        var isImage: Bool
        var isHTML: Bool
        var truncated: Bool
        var noPreview: Bool
    }

    /// Text and JSON previews read this much at most; CSV reads a little more to fill its rows.
    static let textPreviewBytes: Int64 = 64 * 1024
    static let tablePreviewBytes: Int64 = 256 * 1024
    static let tablePreviewRows = 200

    enum ArtifactUse { case download, inline }

    func artifactsPage(_ request: Request, runID: String) async throws -> Response {
        let artifacts = try requireArtifacts()
        let path = FormFields(urlEncoded: request.uri.query)["path"] ?? ""
        let run = try await tracking.run(id: runID)
        let (tree, fileSize) = try await ArtifactTreeBuilder(artifacts: artifacts, runID: runID, selected: path).build()
        var preview: ArtifactPreviewView?
        if let fileSize {
            preview = try await self.preview(runID: runID, path: path, size: fileSize, artifacts: artifacts)
        }
        let model = ArtifactsView(runHref: "/runs/\(runID)", tree: tree, isEmpty: tree.entries.isEmpty, file: preview)
        let runName = run.info.runName.isEmpty ? runID : run.info.runName
        return renderer.page(
            "artifacts", model, title: "Artifacts of \(runName)",
            crumbs: [.init(label: "Experiments", href: "/"), .init(label: runName, href: "/runs/\(runID)")])
    }

    private func preview(runID: String, path: String, size: Int64, artifacts: ArtifactService) async throws -> ArtifactPreviewView {
        let kind = ArtifactPreviewKind(fileName: path)
        let link = { (route: String) in PageLink("/runs/\(runID)/artifacts/\(route)").with("path", path).url }
        var view = ArtifactPreviewView(
            path: path, size: Formatting.bytes(size), downloadHref: link("file"), inlineHref: link("inline"), text: nil, tableRows: [], hasTable: false,
            isImage: false, isHTML: false, truncated: false, noPreview: false)
        switch kind {
        case .image: view.isImage = true
        case .html: view.isHTML = true
        case .table(let delimiter):
            let (head, complete) = try await readHead(runID: runID, path: path, size: size, limit: Self.tablePreviewBytes, artifacts: artifacts)
            let rows = DelimitedText.rows(String(decoding: head, as: UTF8.self), delimiter: delimiter, limit: Self.tablePreviewRows + 1, complete: complete)
            view.tableRows = Array(rows.prefix(Self.tablePreviewRows))
            view.hasTable = true
            view.truncated = rows.count > Self.tablePreviewRows || !complete
        case .text, .sniff:
            let (head, complete) = try await readHead(runID: runID, path: path, size: size, limit: Self.textPreviewBytes, artifacts: artifacts)
            if kind == .sniff, !Self.looksLikeText(head) {
                view.noPreview = true
            } else {
                view.text = String(decoding: head, as: UTF8.self)
                view.truncated = !complete
            }
        }
        return view
    }

    /// The first `limit` bytes of the file, and whether that is all of it.
    private func readHead(runID: String, path: String, size: Int64, limit: Int64, artifacts: ArtifactService) async throws -> ([UInt8], Bool) {
        let download = try await artifacts.runArtifact(runID: runID, path: path)
        var bytes: [UInt8] = []
        let length = min(download.size, limit)
        bytes.reserveCapacity(Int(length))
        try await artifacts.read(download, range: 0..<length) { chunk in bytes.append(contentsOf: chunk.readableBytesView) }
        return (bytes, download.size <= limit)
    }

    /// Text has no NUL bytes and decodes as UTF-8, allowing for a character cut at the end.
    static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        guard !bytes.contains(0) else { return false }
        let trimmed = bytes.count > 4 ? Array(bytes.dropLast(3)) : bytes
        return String(validating: trimmed, as: UTF8.self) != nil || String(validating: bytes, as: UTF8.self) != nil
    }

    /// Serves a file: as an attachment that never renders, or inline for images and HTML, under a
    /// `sandbox` policy so an HTML or SVG artifact runs no script and reaches no Stride page.
    func artifactFile(_ request: Request, runID: String, use: ArtifactUse) async throws -> Response {
        let artifacts = try requireArtifacts()
        let path = FormFields(urlEncoded: request.uri.query)["path"] ?? ""
        let download = try await artifacts.runArtifact(runID: runID, path: path)
        var headers: HTTPFields = [.contentSecurityPolicy: "sandbox", .cacheControl: "no-store"]
        switch use {
        case .inline:
            guard let mediaType = ArtifactPreviewKind(fileName: path).inlineMediaType else {
                throw StrideError.invalidParameter("Only images and HTML pages are shown inline; download '\(path)' instead.")
            }
            headers[.contentType] = mediaType
        case .download:
            headers[.contentType] = "application/octet-stream"
            headers[.contentDisposition] = Self.attachment(fileName: download.fileName)
        }
        return Self.streamed(download, headers: headers, from: artifacts)
    }

    /// A checked file as the response body, streamed from the store.
    static func streamed(_ download: ArtifactDownload, headers: HTTPFields, from artifacts: ArtifactService) -> Response {
        let body = ResponseBody(contentLength: Int(download.size)) { writer in
            try await artifacts.read(download, range: 0..<download.size) { chunk in try await writer.write(chunk) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// `attachment` with an ASCII fallback name and the exact name in RFC 5987 form.
    static func attachment(fileName: String) -> String {
        let ascii = String(fileName.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_" })
        let exact = fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(exact)"
    }

    private func requireArtifacts() throws -> ArtifactService {
        guard let artifacts else { throw StrideError(.notImplemented, "This server does not serve artifacts.") }
        return artifacts
    }
}

extension Templates {
    static let artifactTree = """
        <ul>{{#entries}}<li class="{{#isDirectory}}dir{{/isDirectory}}{{^isDirectory}}file{{/isDirectory}}{{#current}} current{{/current}}"><a href="{{href}}">{{name}}{{#isDirectory}}/{{/isDirectory}}</a> <span class="muted">{{size}}</span>{{#children}}{{> artifactTree}}{{/children}}</li>{{/entries}}{{#hasMore}}<li class="muted">and {{more}} more</li>{{/hasMore}}</ul>
        """

    static let artifacts = """
        <div class="browser">
        <nav class="tree" aria-label="Artifacts">{{#isEmpty}}<p class="empty">This run has no artifacts.</p>{{/isEmpty}}{{#tree}}{{> artifactTree}}{{/tree}}</nav>
        <section class="preview">
        {{#file}}
        <h2 class="mono">{{path}}</h2>
        <p>{{size}} · <a href="{{downloadHref}}" download>Download</a></p>
        {{#isImage}}<img src="{{inlineHref}}" alt="{{path}}">{{/isImage}}
        {{#isHTML}}<iframe sandbox src="{{inlineHref}}" title="{{path}}"></iframe>{{/isHTML}}
        {{#text}}<pre>{{.}}</pre>{{/text}}
        {{#hasTable}}<div class="scroll"><table class="grid">{{#tableRows}}<tr>{{#.}}<td>{{.}}</td>{{/.}}</tr>{{/tableRows}}</table></div>{{/hasTable}}
        {{#truncated}}<p class="muted">Preview shows the beginning of the file only; download it for the rest.</p>{{/truncated}}
        {{#noPreview}}<p class="empty">No preview for this kind of file.</p>{{/noPreview}}
        {{/file}}
        {{^file}}<p class="empty">Pick a file to preview it.</p>{{/file}}
        </section>
        </div>
        """
}
