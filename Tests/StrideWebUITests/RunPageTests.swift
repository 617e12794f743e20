import Foundation
import Hummingbird
import HummingbirdTesting
import StrideDomain
import StrideService
import Testing

@Suite("The run page")
struct RunPageTests {
    @Test("shows ids, params, tags and metrics with last, min and max")
    func showsRun() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            let run = try await fixture.tracking.seedRun(
                experimentID: id, name: "baseline", params: ["epochs": "10"], metrics: ["loss": [0.8, 0.1, 0.3]], tags: ["team": "vision"])
            let page = try await client.page("/runs/\(run)")
            #expect(page.status == .ok)
            #expect(page.contains("<h1>baseline</h1>"))
            #expect(page.contains(run))
            #expect(page.contains("<th>epochs</th><td>10</td>"))
            #expect(page.contains("<th>team</th><td>vision</td>"))
            #expect(page.contains(#"<td class="num">0.3</td><td class="num">2</td><td class="num">0.1</td><td class="num">0.8</td>"#))
            #expect(page.contains("/charts?run=\(run)&amp;metric=loss"))
        }
    }

    @Test("shows CI provenance from GitLab and git tags, and links parent and children")
    func provenanceAndLineage() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            let parent = try await fixture.tracking.seedRun(
                experimentID: id, name: "sweep",
                tags: ["gitlab.CI_JOB_ID": "4242", "gitlab.CI_JOB_URL": "https://gitlab.example/jobs/4242",
                       "mlflow.source.git.commit": "0123456789abcdef", "mlflow.source.name": "train.py"])
            let child = try await fixture.tracking.seedRun(experimentID: id, name: "trial-1", tags: [ReservedTag.parentRunID: parent])
            let page = try await client.page("/runs/\(parent)")
            #expect(page.contains(#"<a href="https://gitlab.example/jobs/4242">4242</a>"#))
            #expect(page.contains("0123456789abcdef"))
            #expect(page.contains("train.py"))
            #expect(page.contains(#"<a href="/runs/\#(child)">trial-1</a>"#))
            let childPage = try await client.page("/runs/\(child)")
            #expect(childPage.contains(#"href="/runs/\#(parent)""#))
        }
    }

    @Test("shows dataset inputs")
    func datasets() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            let run = try await fixture.tracking.seedRun(experimentID: id, name: "r")
            try await fixture.tracking.logInputs(runID: run, datasets: [
                DatasetInput(
                    dataset: Dataset(name: "mnist", digest: "d1g3st", sourceType: "local", source: "{}", schema: nil, profile: nil),
                    tags: [Tag(key: ReservedTag.datasetContext, value: "train")]),
            ])
            let page = try await client.page("/runs/\(run)")
            #expect(page.contains("<td>mnist</td>"))
            #expect(page.contains("d1g3st"))
            #expect(page.contains("<td>train</td>"))
        }
    }

    @Test("an unknown run is an HTML 404")
    func unknownRun() async throws {
        try await withUI { _, client in
            let page = try await client.page("/runs/0123456789abcdef0123456789abcdef")
            #expect(page.status == .notFound)
            #expect(page.contains("not found"))
        }
    }
}
