import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StrideDomain
import StrideService
import Testing

@Suite("The artifact browser")
struct ArtifactsPageTests {
    /// Uploads through the mlflow-artifacts API, as the client does.
    static func upload(_ client: some TestClientProtocol, run: Run, path: String, _ body: String) async throws {
        let root = run.info.artifactURI.replacingOccurrences(of: "mlflow-artifacts:/", with: "")
        let response = try await client.execute(
            uri: "/api/2.0/mlflow-artifacts/artifacts/\(root)/\(path)", method: .put, body: ByteBuffer(string: body))
        #expect(response.status == .ok)
    }

    static func seeded(_ fixture: UIFixture, _ client: some TestClientProtocol) async throws -> Run {
        let id = try await fixture.tracking.seedExperiment("e")
        let run = try await fixture.tracking.run(id: try await fixture.tracking.seedRun(experimentID: id, name: "r"))
        try await upload(client, run: run, path: "notes/readme.txt", "hello <world>")
        try await upload(client, run: run, path: "metrics.csv", "step,loss\n0,0.9\n1,\"0,5\"\n")
        try await upload(client, run: run, path: "report.html", "<script>alert(1)</script>")
        try await upload(client, run: run, path: "plot.png", "not really a png")
        return run
    }

    @Test("lists the root and opens the directories on the way to the selected file")
    func tree() async throws {
        try await withUI { fixture, client in
            let run = try await Self.seeded(fixture, client)
            let root = try await client.page("/runs/\(run.info.runID)/artifacts")
            #expect(root.status == .ok)
            #expect(root.contains(">notes/</a>"))
            #expect(root.contains(">metrics.csv</a>"))
            #expect(!root.contains(">readme.txt</a>"))
            #expect(root.contains("Pick a file to preview it."))
            let file = try await client.page("/runs/\(run.info.runID)/artifacts?path=notes%2Freadme.txt")
            #expect(file.contains(#"<li class="file current">"#))
            #expect(file.contains("<pre>hello &lt;world&gt;</pre>"))
            #expect(file.contains("/artifacts/file?path=notes%2Freadme.txt"))
        }
    }

    @Test("previews CSV as a table, images inline and HTML only in a sandboxed frame")
    func previews() async throws {
        try await withUI { fixture, client in
            let run = try await Self.seeded(fixture, client)
            let base = "/runs/\(run.info.runID)/artifacts"
            let csv = try await client.page(base + "?path=metrics.csv")
            #expect(csv.contains("<tr><td>step</td><td>loss</td></tr><tr><td>0</td><td>0.9</td></tr><tr><td>1</td><td>0,5</td></tr>"))
            let image = try await client.page(base + "?path=plot.png")
            #expect(image.contains(#"<img src="\#(base)/inline?path=plot.png""#))
            let html = try await client.page(base + "?path=report.html")
            #expect(html.contains(#"<iframe sandbox src="\#(base)/inline?path=report.html""#))
            #expect(!html.contains("<script>alert(1)"))
            let framed = try await client.page(base + "/inline?path=report.html")
            #expect(framed.headers[HTTPField.Name("Content-Security-Policy")!] == "sandbox")
            #expect(framed.html == "<script>alert(1)</script>")
        }
    }

    @Test("a download is an attachment that never renders, and text cannot be served inline")
    func downloads() async throws {
        try await withUI { fixture, client in
            let run = try await Self.seeded(fixture, client)
            let base = "/runs/\(run.info.runID)/artifacts"
            let download = try await client.page(base + "/file?path=report.html")
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(download.headers[.contentType] == "application/octet-stream")
            let inlineText = try await client.page(base + "/inline?path=notes%2Freadme.txt")
            #expect(inlineText.status == .badRequest)
            let traversal = try await client.page(base + "/file?path=..%2F..%2Fstride.db")
            #expect(traversal.status == .badRequest)
        }
    }

    @Test("a run without artifacts says so")
    func emptyState() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            let run = try await fixture.tracking.seedRun(experimentID: id, name: "r")
            let page = try await client.page("/runs/\(run)/artifacts")
            #expect(page.contains("This run has no artifacts."))
        }
    }
}
