import Foundation
import Hummingbird
import HummingbirdTesting
import StrideDomain
import StrideService
import Testing

@Suite("The metric charts page")
struct ChartsPageTests {
    @Test("draws one chart per metric with a series per run")
    func chartsRuns() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            let a = try await fixture.tracking.seedRun(experimentID: id, name: "run-a", metrics: ["loss": [1, 0.5], "acc": [0.1, 0.6]])
            let b = try await fixture.tracking.seedRun(experimentID: id, name: "run-b", metrics: ["loss": [2, 0.2]])
            let page = try await client.page("/charts?run=\(a)&run=\(b)")
            #expect(page.status == .ok)
            #expect(page.count(of: "<svg") == 2)
            #expect(page.contains(#"<figure class="chart" data-series="2">"#))
            #expect(page.contains(#"<figure class="chart" data-series="1">"#))
            #expect(page.contains("run-a"))
            #expect(page.contains("run-b"))
        }
    }

    @Test("the picked metric, x axis, smoothing and log scale stay in the URL's form")
    func keepsSettings() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            let run = try await fixture.tracking.seedRun(experimentID: id, name: "r", metrics: ["loss": [1, 0.5], "acc": [0.1, 0.6]])
            let page = try await client.page("/charts?run=\(run)&metric=loss&x=relative&smooth=0.6&log=1")
            #expect(page.count(of: "<svg") == 1)
            #expect(page.contains(#"value="relative" checked"#))
            #expect(page.contains(#"<option value="0.6" selected>"#))
            #expect(page.contains(#"name="log" value="1" checked"#))
        }
    }

    @Test("without runs the page explains how to pick some")
    func emptyState() async throws {
        try await withUI { _, client in
            let page = try await client.page("/charts")
            #expect(page.status == .ok)
            #expect(page.contains("none selected"))
            #expect(page.contains("No metrics to chart."))
        }
    }
}
