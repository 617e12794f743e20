import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Mustache
import StrideDomain
import StrideService
@testable import StrideWebUI
import Testing

@Suite("Every page is safe under the strict policy and shares the layout")
struct PageSafetyTests {
    static let policy = HTTPField.Name("Content-Security-Policy")!

    @Test("every template parses")
    func templatesParse() throws {
        for (name, text) in Templates.all {
            #expect(throws: Never.self, "template \(name)") { _ = try MustacheTemplate(string: text) }
        }
    }

    @Test("pages have no inline scripts, styles or event handlers, carry the policy and a versioned footer")
    func noInlineCode() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            let run = try await fixture.tracking.seedRun(experimentID: id, name: "r", params: ["lr": "0.1"], metrics: ["loss": [1, 0.5]])
            for path in ["/", "/experiments/\(id)", "/runs/\(run)", "/charts?run=\(run)", "/compare?run=\(run)", "/runs/\(run)/artifacts", "/models"] {
                let page = try await client.page(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.headers[Self.policy]?.hasPrefix("default-src 'none';") == true, "\(path)")
                #expect(page.html.range(of: #"<script(?![^>]*\bsrc=)"#, options: .regularExpression) == nil, "\(path)")
                #expect(page.html.range(of: #"<style|\sstyle="|\son[a-z]+="#, options: .regularExpression) == nil, "\(path)")
                #expect(page.contains("<footer>Stride \(WebUI.strideVersion)"), "\(path)")
            }
        }
    }

    @Test("the stylesheet and scripts are served from /static with the policy")
    func staticAssets() async throws {
        try await withUI { _, client in
            for (path, type) in [
                ("/static/stride.css", "text/css"), ("/static/stride.js", "text/javascript"), ("/static/chart-hover.js", "text/javascript"),
                ("/static/mlflow-links.js", "text/javascript"),
            ] {
                let asset = try await client.page(path)
                #expect(asset.status == .ok)
                #expect(asset.headers[.contentType]?.hasPrefix(type) == true)
                #expect(!asset.html.isEmpty)
            }
        }
    }

    @Test("API responses get the policy too and keep MLflow's JSON")
    func apiKeepsItsShape() async throws {
        try await withUI { _, client in
            let response = try await client.page("/api/2.0/mlflow/experiments/get?experiment_id=0")
            #expect(response.status == .ok)
            #expect(response.contains(#""name":"Default""#))
            #expect(response.headers[Self.policy] != nil)
        }
    }
}
