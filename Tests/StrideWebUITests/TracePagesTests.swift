import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import StrideDomain
import StrideServer
import StrideService
import StrideTesting
import Testing

extension TraceService {
    /// Starts a finished trace named `name` at `start` (milliseconds) with the given tags and metadata.
    @discardableResult
    func seedTrace(
        experimentID: String, name: String, start: Int64 = 1_700_000_000_000, duration: Int64 = 120, state: TraceState = .ok,
        tags: [String: String] = [:], metadata: [String: String] = [:], project: String = Project.defaultName
    ) async throws -> String {
        let id = "tr-" + String(format: "%032x", abs(name.hashValue) % Int(Int32.max)) + String(start % 1000)
        let info = TraceInfo(
            id: String(id.prefix(35)), experimentID: try ExperimentID(parsing: experimentID), requestTime: start, executionDuration: duration,
            state: state, requestPreview: "{\"question\": \"\(name)?\"}",
            metadata: metadata.sorted { $0.key < $1.key }.map { KeyValue(key: $0.key, value: $0.value) },
            tags: (tags.merging([TraceKeys.traceName: name]) { first, _ in first }).sorted { $0.key < $1.key }.map { Tag(key: $0.key, value: $0.value) })
        return try await self.start(info, project: project).id
    }
}

/// The `traces.json` MLflow's client writes: one root span and a failing child.
private func tracesJSON(rootName: String, childName: String) -> String {
    #"""
    {"spans": [
      {"trace_id": "AAAAAAAAAAAAAAAAAAAAAQ==", "span_id": "AAAAAAAAAAE=", "parent_span_id": null, "name": \#(JSONText.quoted(rootName)),
       "start_time_unix_nano": 1700000000000000000, "end_time_unix_nano": 1700000000120000000, "events": [],
       "status": {"code": "STATUS_CODE_OK", "message": ""},
       "attributes": {"mlflow.spanType": "\"CHAIN\"", "mlflow.spanInputs": "{\"question\": \"tides?\"}", "mlflow.spanOutputs": "\"high at noon\""}},
      {"trace_id": "AAAAAAAAAAAAAAAAAAAAAQ==", "span_id": "AAAAAAAAAAI=", "parent_span_id": "AAAAAAAAAAE=", "name": \#(JSONText.quoted(childName)),
       "start_time_unix_nano": 1700000000030000000, "end_time_unix_nano": 1700000000090000000,
       "events": [{"name": "exception", "time_unix_nano": 1700000000080000000, "attributes": {"exception.message": "timed out"}}],
       "status": {"code": "STATUS_CODE_ERROR", "message": "timed out"}, "attributes": {"mlflow.spanType": "\"TOOL\""}}
    ]}
    """#
}

@Suite("The traces tab and the trace page")
struct TracePagesTests {
    @Test("the traces tab lists the experiment's traces with state, latency, tokens, tags and run")
    func tracesTab() async throws {
        try await withUI { fixture, client in
            let experiment = try await fixture.tracking.seedExperiment("e")
            let run = try await fixture.tracking.seedRun(experimentID: experiment, name: "r")
            try await fixture.traces.seedTrace(
                experimentID: experiment, name: "answer", start: 1_700_000_001_000, duration: 1_250, tags: ["team": "<ops>"],
                metadata: [TraceKeys.tokenUsage: #"{"input_tokens": 5, "output_tokens": 7, "total_tokens": 12}"#, TraceKeys.sourceRun: run])
            try await fixture.traces.seedTrace(experimentID: experiment, name: "broken", start: 1_700_000_002_000, state: .error)
            let page = try await client.page("/experiments/\(experiment)/traces")
            #expect(page.status == .ok)
            #expect(page.shows(">broken</a>", before: ">answer</a>"), "newest first")
            #expect(page.contains(#"<span class="status trace-error">ERROR</span>"#))
            #expect(page.contains(#"<td class="num nowrap">1.25s</td><td class="num">12</td>"#))
            #expect(page.contains("team=&lt;ops&gt;"))
            #expect(page.contains(#"<a href="/runs/\#(run)">\#(run)</a>"#))
            #expect(page.contains(#"<a href="/experiments/\#(experiment)">Runs</a>"#))

            let oldestFirst = try await client.page("/experiments/\(experiment)/traces?sort=timestamp_ms&dir=asc")
            #expect(oldestFirst.shows(">answer</a>", before: ">broken</a>"))
            let filtered = try await client.page("/experiments/\(experiment)/traces?filter=trace.status+%3D+%27ERROR%27")
            #expect(filtered.contains(">broken</a>"))
            #expect(!filtered.contains(">answer</a>"))
            let byRun = try await client.page("/runs/\(run)")
            #expect(byRun.contains("/experiments/\(experiment)/traces?filter=trace.run_id%20%3D%20%27\(run)%27"))
        }
    }

    @Test("a bad filter is shown back with its error, as the runs table does, never as a failure")
    func badFilter() async throws {
        try await withUI { fixture, client in
            let experiment = try await fixture.tracking.seedExperiment("e")
            let page = try await client.page("/experiments/\(experiment)/traces?filter=metrics.loss+%3E+1")
            #expect(page.status == .ok)
            #expect(page.contains(#"<div class="error" role="alert"><p>Invalid entity type"#))
            #expect(!page.contains("No traces match."))
        }
    }

    @Test("the traces tab pages with keyset tokens")
    func paging() async throws {
        try await withUI { fixture, client in
            let experiment = try await fixture.tracking.seedExperiment("e")
            for index in 0..<30 {
                try await fixture.traces.seedTrace(experimentID: experiment, name: "t\(index)", start: 1_700_000_000_000 + Int64(index))
            }
            let first = try await client.page("/experiments/\(experiment)/traces?rows=25")
            #expect(first.count(of: "<tr><td class=\"nowrap\">") == 25)
            let next = try #require(first.html.range(of: #"<a href="([^"]+)">Next page</a>"#, options: .regularExpression))
            let href = String(first.html[next]).replacingOccurrences(of: "<a href=\"", with: "").replacingOccurrences(of: "\">Next page</a>", with: "")
            let second = try await client.page(href.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(second.count(of: "<tr><td class=\"nowrap\">") == 5)
            #expect(second.contains(">t0</a>"))
            #expect(!second.contains("Next page"))
            #expect(second.contains("First page"))
        }
    }

    @Test("the trace page draws the spans of traces.json, escapes them, and shows tags, metadata and assessments")
    func tracePage() async throws {
        try await withUI { fixture, client in
            let experiment = try await fixture.tracking.seedExperiment("e")
            let run = try await fixture.tracking.seedRun(experimentID: experiment, name: "the-run")
            let id = try await fixture.traces.seedTrace(
                experimentID: experiment, name: "answer", tags: ["reviewed": "yes"], metadata: [TraceKeys.sourceRun: run])
            try await fixture.artifacts.upload(
                to: try ArtifactPath(validating: "\(experiment)/traces/\(id)/artifacts/traces.json"),
                body: AsyncThrowingStream<ByteBuffer, any Error> { continuation in
                    continuation.yield(ByteBuffer(string: tracesJSON(rootName: "answer", childName: "<script>alert(1)</script>")))
                    continuation.finish()
                })
            _ = try await fixture.traces.createAssessment(Assessment(
                id: "", traceID: id, name: "relevance", spanID: nil, createTime: 0, lastUpdateTime: 0, valid: true, overrides: nil,
                details: #"{"feedback": {"value": 0.8}, "rationale": "on <topic>", "source": {"source_type": "HUMAN", "source_id": "ann"}}"#))

            let page = try await client.page("/traces/\(id)")
            #expect(page.status == .ok)
            #expect(page.contains("<h1>answer</h1>"))
            #expect(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"waterfall\""))
            #expect(page.count(of: "<g class=\"wf-row") == 2)
            #expect(page.contains("<g class=\"wf-row wf-error\"><title>&lt;script&gt;alert(1)&lt;/script&gt; · 60.0ms · ERROR</title>"))
            #expect(!page.contains("<script>alert(1)"))
            #expect(page.contains("<h3>Inputs</h3><pre class=\"value\">{\n  &quot;question&quot;: &quot;tides?&quot;\n}</pre>"))
            #expect(page.contains("<h3>Outputs</h3><pre class=\"value\">&quot;high at noon&quot;</pre>"))
            #expect(page.contains("<li><strong>exception</strong>"))
            #expect(page.contains("Spans read from the trace&#39;s traces.json artifact."))
            #expect(page.contains(#"<a href="/traces/\#(id)/artifact" download>"#))
            #expect(page.contains("<th>reviewed</th><td>yes</td>"))
            #expect(page.contains(#"<a href="/runs/\#(run)">the-run</a>"#))
            #expect(page.contains("<td>relevance</td><td>feedback</td><td><pre class=\"value\">0.8</pre></td>"))
            #expect(page.contains("<td>on &lt;topic&gt;</td><td>HUMAN · ann</td>"))

            let artifact = try await client.execute(uri: "/traces/\(id)/artifact", method: .get)
            #expect(artifact.status == .ok)
            #expect(String(buffer: artifact.body).contains("\"spans\""))
            #expect(artifact.headers[.contentSecurityPolicy] == "sandbox")
        }
    }

    @Test("a trace without spans says so; an unknown trace is a 404 page")
    func missing() async throws {
        try await withUI { fixture, client in
            let experiment = try await fixture.tracking.seedExperiment("e")
            let id = try await fixture.traces.seedTrace(experimentID: experiment, name: "bare")
            let page = try await client.page("/traces/\(id)")
            #expect(page.status == .ok)
            #expect(page.contains("No spans are stored for this trace, and it has no traces.json artifact."))
            #expect(!page.contains("class=\"waterfall\""))
            let unknown = try await client.page("/traces/tr-00000000000000000000000000000000")
            #expect(unknown.status == .notFound)
            #expect(unknown.contains("not found"))
            #expect(try await client.page("/traces/..%2F..%2Fetc").status == .badRequest)
            #expect(try await client.page("/experiments/424242/traces").status == .notFound)
        }
    }

    @Test("another project's trace and traces tab are not found")
    func projectScoping() async throws {
        try await withTestApplication { app in
            let services = app.services
            _ = try await services.projects.create(named: "vision")
            let traces = try #require(services.traces)
            let experiment = try await services.tracking.seedExperiment("default-experiment")
            let id = try await traces.seedTrace(experimentID: experiment, name: "private")
            try await app.application.test(.router) { client in
                let inVision: HTTPFields = [.cookie: "stride_project=vision"]
                let page = try await client.execute(uri: "/traces/\(id)", method: .get, headers: inVision)
                #expect(page.status == .notFound)
                #expect(!String(buffer: page.body).contains("private"))
                #expect(try await client.execute(uri: "/traces/\(id)/artifact", method: .get, headers: inVision).status == .notFound)
                #expect(try await client.execute(uri: "/experiments/\(experiment)/traces", method: .get, headers: inVision).status == .notFound)
                #expect(try await client.execute(uri: "/traces/\(id)", method: .get).status == .ok)
            }
        }
    }
}
