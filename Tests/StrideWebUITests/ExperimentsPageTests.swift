import Foundation
import Hummingbird
import HummingbirdTesting
import StrideDomain
import StrideService
import Testing

@Suite("The experiments list")
struct ExperimentsPageTests {
    @Test("lists experiments with their run counts, newest activity first")
    func listsExperiments() async throws {
        try await withUI { fixture, client in
            let vision = try await fixture.tracking.seedExperiment("vision")
            _ = try await fixture.tracking.seedExperiment("speech")
            try await fixture.tracking.seedRun(experimentID: vision, name: "a")
            try await fixture.tracking.seedRun(experimentID: vision, name: "b")
            let page = try await client.page("/")
            #expect(page.status == .ok)
            #expect(page.contains(#"<a href="/experiments/\#(vision)">vision</a>"#))
            #expect(page.contains(#"<td class="num">2</td>"#))
            #expect(page.contains("speech"))
            #expect(page.contains("Default"))
        }
    }

    @Test("the name search narrows the list and says so when nothing matches")
    func searchesByName() async throws {
        try await withUI { fixture, client in
            _ = try await fixture.tracking.seedExperiment("vision-resnet")
            _ = try await fixture.tracking.seedExperiment("speech")
            let page = try await client.page("/?q=RESNET")
            #expect(page.contains("vision-resnet"))
            #expect(!page.contains(">speech<"))
            let none = try await client.page("/?q=nothing+like+this")
            #expect(none.contains("No experiments match."))
            #expect(none.contains(#"value="nothing like this""#))
        }
    }

    @Test("create, rename, delete and restore are POSTed forms that redirect back")
    func changesExperiments() async throws {
        try await withUI { fixture, client in
            let created = try await client.submit("/experiments/create", "name=new+one")
            #expect(created.status == .seeOther)
            let location = try #require(created.headers[.location])
            #expect(location.hasPrefix("/experiments/"))
            let id = String(location.dropFirst("/experiments/".count))
            let renamed = try await client.submit("/experiments/\(id)/rename", "name=renamed&back=%2F")
            #expect(renamed.headers[.location] == "/")
            #expect(try await fixture.tracking.experiment(id: id).name == "renamed")
            _ = try await client.submit("/experiments/\(id)/delete", "back=%2F")
            #expect(try await fixture.tracking.experiment(id: id).lifecycleStage == .deleted)
            #expect(try await client.page("/?view=deleted").contains("renamed"))
            _ = try await client.submit("/experiments/\(id)/restore", "back=//evil.example")
            #expect(try await fixture.tracking.experiment(id: id).lifecycleStage == .active)
        }
    }

    @Test("a rejected action shows the service's message on an error page")
    func rejectedAction() async throws {
        try await withUI { _, client in
            _ = try await client.submit("/experiments/create", "name=twice")
            let again = try await client.submit("/experiments/create", "name=twice")
            #expect(again.status == .badRequest)
            #expect(String(buffer: again.body).contains("already exists"))
        }
    }
}
