import Foundation
import Hummingbird
import HummingbirdTesting
import StrideDomain
import StrideService
import Testing

@Suite("The compare page")
struct ComparePageTests {
    @Test("compares runs across experiments, showing only differences by default")
    func differencesOnly() async throws {
        try await withUI { fixture, client in
            let first = try await fixture.tracking.seedExperiment("first")
            let second = try await fixture.tracking.seedExperiment("second")
            let a = try await fixture.tracking.seedRun(
                experimentID: first, name: "run-a", params: ["lr": "0.1", "seed": "7"], metrics: ["loss": [0.5, 0.3]])
            let b = try await fixture.tracking.seedRun(
                experimentID: second, name: "run-b", params: ["lr": "0.01", "seed": "7"], metrics: ["loss": [0.6, 0.2]])
            let page = try await client.page("/compare?run=\(a)&run=\(b)")
            #expect(page.status == .ok)
            #expect(page.contains(#"<a href="/experiments/\#(first)">first</a>"#))
            #expect(page.contains(#"<a href="/experiments/\#(second)">second</a>"#))
            #expect(page.contains(#"<tr class="diff-row"><th>lr</th><td>0.1</td><td>0.01</td></tr>"#))
            #expect(!page.contains("<th>seed</th>"))
            let everything = try await client.page("/compare?run=\(a)&run=\(b)&show=all")
            #expect(everything.contains("<tr><th>seed</th><td>7</td><td>7</td></tr>"))
        }
    }

    @Test("draws overlaid metric charts, parallel coordinates and a scatter of the picked columns")
    func plots() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            let a = try await fixture.tracking.seedRun(experimentID: id, name: "run-a", params: ["lr": "0.1"], metrics: ["loss": [0.5, 0.3]])
            let b = try await fixture.tracking.seedRun(experimentID: id, name: "run-b", params: ["lr": "0.01"], metrics: ["loss": [0.6, 0.2]])
            let page = try await client.page("/compare?run=\(a)&run=\(b)&sx=params.lr&sy=metrics.loss")
            #expect(page.count(of: "<svg") == 3)
            #expect(page.contains(#"<figure class="chart" data-series="2">"#))
            #expect(page.contains(#"<option value="params.lr" selected>"#))
            #expect(page.contains(#"<option value="metrics.loss" selected>"#))
        }
    }

    @Test("without runs it explains how to pick them")
    func emptyState() async throws {
        try await withUI { _, client in
            let page = try await client.page("/compare")
            #expect(page.contains("No runs selected."))
        }
    }
}

@Suite("The model registry pages")
struct ModelsPageTests {
    @Test("lists models, shows a model's versions and aliases, and links a version to its run")
    func registryPages() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            let run = try await fixture.tracking.seedRun(experimentID: id, name: "trainer")
            _ = try await fixture.registry.createRegisteredModel(
                name: "fraud detector", description: "Flags <b>bad</b> payments", tags: [Tag(key: "owner", value: "risk")],
                project: Project.defaultName)
            _ = try await fixture.registry.createModelVersion(
                name: "fraud detector", source: "mlflow-artifacts:/\(id)/\(run)/artifacts/model", runID: run, runLink: nil,
                description: nil, tags: [], project: Project.defaultName)
            try await fixture.registry.setAlias("champion", model: "fraud detector", version: "1", project: Project.defaultName)

            let list = try await client.page("/models")
            #expect(list.contains(#"<a href="/models/fraud%20detector">fraud detector</a>"#))
            #expect(list.contains("Flags &lt;b&gt;bad&lt;/b&gt; payments"))
            let model = try await client.page("/models/fraud%20detector")
            #expect(model.status == .ok)
            #expect(model.contains(#"<a href="/models/fraud%20detector/versions/1">v1</a>"#))
            #expect(model.contains("@champion"))
            #expect(model.contains("<th>owner</th>"))
            let version = try await client.page("/models/fraud%20detector/versions/1")
            #expect(version.status == .ok)
            #expect(version.contains(#"<a href="/runs/\#(run)">\#(run)</a>"#))
            let none = try await client.page("/models?q=nothing")
            #expect(none.contains("No registered models match."))
        }
    }

    @Test("an unknown model is an HTML 404")
    func unknownModel() async throws {
        try await withUI { _, client in
            let page = try await client.page("/models/missing")
            #expect(page.status == .notFound)
            #expect(page.contains("<!doctype html>"))
        }
    }
}
