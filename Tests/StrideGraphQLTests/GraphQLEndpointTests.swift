import Foundation
import Logging
import StrideDomain
import StrideService
import StrideServer
import StrideTesting
import Testing

@testable import StrideGraphQL

/// The endpoint over real services and a fresh SQLite store, with a project `vision` besides `default`.
private func withEndpoint(_ body: (GraphQLEndpoint, TrackingService) async throws -> Void) async throws {
    try await withTestApplication { app in
        _ = try await app.services.projects.create(named: "vision")
        try await body(try GraphQLEndpoint(tracking: app.services.tracking), app.services.tracking)
    }
}

/// The endpoint's answer to `query` in `project`, as parsed JSON.
private func ask(_ endpoint: GraphQLEndpoint, _ query: String, project: String = "default") async throws -> [String: Any] {
    let body = try JSONSerialization.data(withJSONObject: ["query": query])
    let answer = try await endpoint.answer(body, project: project)
    return try #require(try JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any])
}

/// The value at `path` below the answer's `data`.
private func data(_ answer: [String: Any], _ path: String...) -> Any? {
    var value: Any? = answer["data"]
    for key in path { value = (value as? [String: Any])?[key] }
    return value
}

/// A run in the `Default` experiment of project `default`.
private func newRun(_ tracking: TrackingService) async throws -> Run {
    try await tracking.createRun(experimentID: nil, userID: nil, runName: nil, startTime: 1, tags: [], project: "default")
}

@Suite("GraphQL endpoint")
struct GraphQLEndpointTests {
    @Test func getsAnExperimentByID() async throws {
        try await withEndpoint { endpoint, tracking in
            let id = try await tracking.createExperiment(name: "GraphqlTest", artifactLocation: nil, tags: [], project: "default")
            let answer = try await ask(endpoint, #"{ mlflowGetExperiment(input: {experimentId: "\#(id)"}) { experiment { name workspace } } }"#)
            #expect(data(answer, "mlflowGetExperiment", "experiment") as? [String: String] == ["name": "GraphqlTest", "workspace": "default"])
            #expect(answer["errors"] is NSNull)
        }
    }

    @Test func aNaNMetricValueIsNullWithoutAnError() async throws {
        try await withEndpoint { endpoint, tracking in
            let run = try await newRun(tracking)
            try await tracking.logMetric(runID: run.info.runID, metric: Metric(key: "nan", value: .nan, timestamp: 2, step: 2), project: "default")
            let answer = try await ask(endpoint, #"{ mlflowGetRun(input: {runId: "\#(run.info.runID)"}) { run { data { metrics { key value step } } } } }"#)
            #expect(answer["errors"] is NSNull)
            let metrics = data(answer, "mlflowGetRun", "run", "data", "metrics") as? [[String: Any]]
            #expect(metrics?.count == 1)
            #expect(metrics?.first?["key"] as? String == "nan")
            #expect(metrics?.first?["value"] is NSNull)
            #expect(metrics?.first?["step"] as? String == "2")
        }
    }

    @Test func anotherProjectsRunIsNotFound() async throws {
        try await withEndpoint { endpoint, tracking in
            let run = try await newRun(tracking)
            let answer = try await ask(endpoint, #"{ mlflowGetRun(input: {runId: "\#(run.info.runID)"}) { run { info { runId } } } }"#, project: "vision")
            #expect(answer["errors"] as? [String] == ["Run with id=\(run.info.runID) not found"])
            #expect(data(answer, "mlflowGetRun") is NSNull)
        }
    }

    @Test func searchRunsIsAMutationAndAQuery() async throws {
        try await withEndpoint { endpoint, tracking in
            let run = try await newRun(tracking)
            for operation in ["mutation", "query"] {
                let answer = try await ask(endpoint, #"\#(operation) { mlflowSearchRuns(input: {experimentIds: ["0"]}) { runs { info { runId status } } } }"#)
                #expect(data(answer, "mlflowSearchRuns", "runs") as? [[String: [String: String]]] == [["info": ["runId": run.info.runID, "status": "RUNNING"]]])
            }
        }
    }

    @Test func datasetSearchListsEachRoleOnceAndSkipsAnotherProjectsExperiments() async throws {
        try await withEndpoint { endpoint, tracking in
            let dataset = Dataset(name: "d", digest: "abc", sourceType: "local", source: "/d", schema: nil, profile: nil)
            let training = DatasetInput(dataset: dataset, tags: [Tag(key: ReservedTag.datasetContext, value: "training")])
            for _ in 0..<2 {
                let run = try await newRun(tracking)
                try await tracking.logInputs(runID: run.info.runID, datasets: [training], project: "default")
            }
            let untagged = try await newRun(tracking)
            try await tracking.logInputs(runID: untagged.info.runID, datasets: [DatasetInput(dataset: dataset, tags: [])], project: "default")
            let query = #"mutation { mlflowSearchDatasets(input: {experimentIds: ["0"]}) { datasetSummaries { experimentId name digest context } } }"#

            let answer = try await ask(endpoint, query)
            let summaries = data(answer, "mlflowSearchDatasets", "datasetSummaries") as? [[String: String]]
            #expect(Set(summaries ?? []) == [
                ["experimentId": "0", "name": "d", "digest": "abc", "context": "training"],
                ["experimentId": "0", "name": "d", "digest": "abc", "context": ""],
            ])
            #expect(summaries?.count == 2)

            // Experiment ids are global: `0` is `default`'s, so from `vision` it is skipped like an unknown id.
            let elsewhere = try await ask(endpoint, query, project: "vision")
            #expect((data(elsewhere, "mlflowSearchDatasets", "datasetSummaries") as? [Any])?.isEmpty == true)
        }
    }

    @Test func aListOfOperationsIsRefused() async throws {
        try await withEndpoint { endpoint, _ in
            await #expect(throws: StrideError.self) {
                _ = try await endpoint.answer(Data(#"[{"query": "{ test { output } }"}]"#.utf8), project: "default")
            }
        }
    }

    @Test func aSyntaxErrorIsReportedInErrors() async throws {
        try await withEndpoint { endpoint, _ in
            let answer = try await ask(endpoint, "{ test { output }")
            #expect(answer["data"] is NSNull)
            #expect((answer["errors"] as? [String])?.first?.hasPrefix("Syntax Error") == true)
        }
    }
}
