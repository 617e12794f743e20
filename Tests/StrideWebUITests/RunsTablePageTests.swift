import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StrideDomain
import StrideService
import Testing

@Suite("The runs table")
struct RunsTablePageTests {
    @Test("shows the picked param and metric columns with each run's values")
    func pickedColumns() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            try await fixture.tracking.seedRun(experimentID: id, name: "alpha", params: ["lr": "0.1"], metrics: ["loss": [0.9, 0.4]])
            let page = try await client.page("/experiments/\(id)?cols=1&col=params.lr&col=metrics.loss")
            #expect(page.status == .ok)
            #expect(page.contains(#"title="params.lr""#))
            #expect(page.contains(#"title="metrics.loss""#))
            #expect(page.contains(#"<td class="num" title="0.4">0.4</td>"#))
            #expect(page.contains(#"<td title="0.1">0.1</td>"#))
            #expect(page.contains("alpha"))
        }
    }

    @Test("sorts by a metric column in either direction through the API's order")
    func sortsByMetric() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            try await fixture.tracking.seedRun(experimentID: id, name: "run-high", metrics: ["loss": [0.9]])
            try await fixture.tracking.seedRun(experimentID: id, name: "run-low", metrics: ["loss": [0.1]])
            let ascending = try await client.page("/experiments/\(id)?sort=metrics.loss&dir=asc")
            #expect(ascending.shows(">run-low<", before: ">run-high<"))
            #expect(ascending.contains("▲"))
            let descending = try await client.page("/experiments/\(id)?sort=metrics.loss")
            #expect(descending.shows(">run-high<", before: ">run-low<"))
        }
    }

    @Test("a metric cell shows the minimum, maximum or the value at a step when asked")
    func metricCellModes() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            try await fixture.tracking.seedRun(experimentID: id, name: "r", metrics: ["loss": [0.7, 0.2, 0.5]])
            let base = "/experiments/\(id)?cols=1&col=metrics.loss"
            #expect(try await client.page(base).contains(#"title="0.5">0.5<"#))
            #expect(try await client.page(base + "&mode=min").contains(#"title="0.2">0.2<"#))
            #expect(try await client.page(base + "&mode=max").contains(#"title="0.7">0.7<"#))
            let atStep = try await client.page(base + "&mode=step&step=1")
            #expect(atStep.contains(#"title="0.2">0.2<"#))
            #expect(atStep.contains("loss @1"))
        }
    }

    @Test("a run name is escaped, never markup")
    func escapesNames() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            try await fixture.tracking.seedRun(experimentID: id, name: "<script>alert(1)</script>", params: ["p": "\"><img src=x>"])
            let page = try await client.page("/experiments/\(id)?cols=1&col=params.p")
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.contains("<script>alert(1)"))
            #expect(!page.contains("<img src=x>"))
            #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self'") == true)
            #expect(page.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
        }
    }

    @Test("a bad filter shows the parser's message and marks its position")
    func badFilter() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            try await fixture.tracking.seedRun(experimentID: id, name: "r")
            let page = try await client.page("/experiments/\(id)?filter=metrics.loss+%3C+0.5+AND+%28params.x")
            #expect(page.status == .ok)
            #expect(page.contains(#"role="alert""#))
            #expect(page.contains("expected an operator after &#39;x&#39; at position 24."))
            #expect(page.contains("AND (<mark>p</mark>arams.x"))
            #expect(!page.contains("No runs match."))
        }
    }

    @Test("an empty result says so")
    func emptyState() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            let page = try await client.page("/experiments/\(id)")
            #expect(page.contains("No runs match."))
            #expect(page.contains("None logged yet."))
        }
    }

    @Test("pages with the API's page token: the next page holds the rest, none repeated")
    func pages() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            for index in 0..<30 {
                try await fixture.tracking.seedRun(experimentID: id, name: "run-\(index)", start: 1_700_000_000_000 + Int64(index) * 1000)
            }
            let first = try await client.page("/experiments/\(id)?rows=25")
            #expect(first.count(of: #"name="run" value=""#) == 25)
            #expect(first.contains("run-29"))
            let next = try #require(first.html.range(of: #"<a href="(/experiments/[^"]*page=[^"]*)">Next page"#, options: .regularExpression))
            let href = String(first.html[next]).replacingOccurrences(of: "<a href=\"", with: "").replacingOccurrences(of: "\">Next page", with: "")
                .replacingOccurrences(of: "&amp;", with: "&")
            let second = try await client.page(href)
            #expect(second.count(of: #"name="run" value=""#) == 5)
            #expect(second.contains(">run-0<"))
            #expect(!second.contains(">run-29<"))
            #expect(second.contains("First page"))
        }
    }

    @Test("a child run follows its parent, indented, when both are on the page")
    func groupsChildren() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            let parent = try await fixture.tracking.seedRun(experimentID: id, name: "parent", start: 1_700_000_000_000)
            try await fixture.tracking.seedRun(experimentID: id, name: "other", start: 1_700_000_001_000)
            try await fixture.tracking.seedRun(
                experimentID: id, name: "child", start: 1_700_000_002_000, tags: [ReservedTag.parentRunID: parent])
            let page = try await client.page("/experiments/\(id)")
            #expect(page.shows(">other<", before: ">parent<"))
            #expect(page.shows(">parent<", before: ">child<"))
            #expect(page.contains(#"<tr class="depth-1">"#))
        }
    }

    @Test("deleting selected runs is a POST that returns to the table")
    func deletesRuns() async throws {
        try await withUI { fixture, client in
            let id = try await fixture.tracking.seedExperiment("e")
            let run = try await fixture.tracking.seedRun(experimentID: id, name: "doomed")
            let response = try await client.submit("/runs/delete", "run=\(run)&back=%2Fexperiments%2F\(id)")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/experiments/\(id)")
            #expect(try await fixture.tracking.run(id: run).info.lifecycleStage == .deleted)
            let deletedView = try await client.page("/experiments/\(id)?view=deleted")
            #expect(deletedView.contains("doomed"))
            #expect(deletedView.contains("Restore selected"))
            #expect(!deletedView.contains("Delete selected"))
            #expect(!(try await client.page("/experiments/\(id)")).contains("Restore selected"))
            _ = try await client.submit("/runs/restore", "run=\(run)")
            #expect(try await fixture.tracking.run(id: run).info.lifecycleStage == .active)
        }
    }

    @Test("an unknown experiment is an HTML 404 page, an unknown UI path too, while API misses keep MLflow's JSON")
    func notFound() async throws {
        try await withUI { _, client in
            let missing = try await client.page("/experiments/987654")
            #expect(missing.status == .notFound)
            #expect(missing.contains("<!doctype html>"))
            let unknown = try await client.page("/runs/x/y/z/nothing")
            #expect(unknown.status == .notFound)
            #expect(unknown.contains("There is no such page."))
            let api = try await client.page("/api/2.0/mlflow/no-such-thing")
            #expect(api.contains("ENDPOINT_NOT_FOUND"))
        }
    }
}
