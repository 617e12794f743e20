import Hummingbird
import StrideDomain
import StrideService

/// `/traces/:id`: one trace's span tree as a waterfall, each span's inputs, outputs, attributes
/// and events, the trace's tags, metadata and assessments, and links to its experiment and run.
extension WebUI {
    struct TraceView {
        var traceID: String
        var state: String
        var stateClass: String
        var info: [KeyValueRow]
        var tags: [KeyValueRow]
        var metadata: [KeyValueRow]
        var assessments: [AssessmentRow]
        var hasAssessments: Bool
        var waterfall: String
        var spanDetails: String
        var notes: [String]
        var artifactHref: String?
        var hasSpans: Bool
    }

    func tracePage(_ request: Request, traceID: String) async throws -> Response {
        guard let traces else { throw StrideError.notFound("Trace with ID '\(traceID)' not found.") }
        let (trace, stored) = try await traces.traceWithSpans(id: traceID)
        let experiment = try await tracking.experiment(id: trace.experimentID.description)
        var spans = stored.map(SpanJSON.record)
        var notes: [String] = []
        var artifactHref: String?
        if stored.isEmpty {
            (spans, notes, artifactHref) = try await artifactSpans(trace)
        }
        let waterfall = TraceWaterfall.layout(spans)
        notes += Self.notes(waterfall, spanCount: spans.count)
        let run = try await trace.runID.asyncMap { try await browse.runs(ids: [$0]).first }
        let model = TraceView(
            traceID: trace.id, state: trace.state.name, stateClass: "trace-" + trace.state.name.lowercased(),
            info: Self.infoRows(trace, experiment: experiment, run: run ?? nil, spans: spans), tags: KeyValueRow.rows(trace.tags),
            metadata: KeyValueRow.rows(trace.metadata), assessments: trace.assessments.map(AssessmentRow.init), hasAssessments: !trace.assessments.isEmpty,
            waterfall: waterfall.svg(spans, title: "Spans of \(trace.name ?? trace.id)"), spanDetails: SpanDetailsHTML.render(waterfall, spans),
            notes: notes, artifactHref: artifactHref, hasSpans: !spans.isEmpty)
        return renderer.page(
            "trace", model, title: trace.name ?? trace.id,
            crumbs: [
                .init(label: "Experiments", href: "/"), .init(label: experiment.name, href: "/experiments/\(experiment.id)"),
                .init(label: "Traces", href: "/experiments/\(experiment.id)/traces"),
            ])
    }

    /// `/traces/:id/artifact`: the trace's `traces.json`, as a download that never renders.
    func traceArtifactFile(traceID: String) async throws -> Response {
        guard let traces, let artifacts else { throw StrideError.notFound("Trace with ID '\(traceID)' not found.") }
        let download = try await artifacts.traceArtifact(try await traces.trace(id: traceID))
        let headers: HTTPFields = [
            .contentSecurityPolicy: "sandbox", .cacheControl: "no-store", .contentType: "application/octet-stream",
            .contentDisposition: Self.attachment(fileName: download.fileName),
        ]
        return Self.streamed(download, headers: headers, from: artifacts)
    }

    /// Spans the client kept in the trace's `traces.json` rather than sending them to the server:
    /// read when the file is small enough, otherwise a note and a link to it.
    private func artifactSpans(_ trace: TraceInfo) async throws -> ([SpanRecord], [String], String?) {
        let href = "/traces/\(PageLink.segment(trace.id))/artifact"
        guard let artifacts else { return ([], ["No spans are stored for this trace."], nil) }
        let download: ArtifactDownload
        do {
            download = try await artifacts.traceArtifact(trace)
        } catch let error as StrideError where error.code != .internalError {
            return ([], ["No spans are stored for this trace, and it has no traces.json artifact."], nil)
        }
        guard download.size <= Int64(Limits.maxTraceArtifactReadBytes) else {
            return ([], ["The spans are in the trace's traces.json artifact (\(Formatting.bytes(download.size))), too large to show here."], href)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(download.size))
        try await artifacts.read(download, range: 0..<download.size) { chunk in bytes.append(contentsOf: chunk.readableBytesView) }
        guard let spans = SpanJSON.records(artifact: bytes) else {
            return ([], ["The trace's traces.json artifact does not hold spans Stride can read."], href)
        }
        return (spans, ["Spans read from the trace's traces.json artifact."], href)
    }

    static func notes(_ waterfall: TraceWaterfall, spanCount: Int) -> [String] {
        var notes: [String] = []
        if waterfall.beyondLimit > 0 {
            notes.append("Showing the first \(waterfall.rows.count) of \(spanCount) spans; \(waterfall.beyondLimit) more are not drawn.")
        }
        if waterfall.tooDeep > 0 {
            notes.append("\(waterfall.tooDeep) spans nested deeper than \(Limits.maxWaterfallDepth) levels are not drawn.")
        }
        if waterfall.orphans > 0 {
            notes.append("\(waterfall.orphans) spans name a parent that is not in the trace; they are drawn at the top level.")
        }
        return notes
    }

    static func infoRows(_ trace: TraceInfo, experiment: Experiment, run: Run?, spans: [SpanRecord]) -> [KeyValueRow] {
        var rows = [
            KeyValueRow("Trace ID", trace.id, mono: true),
            KeyValueRow("Experiment", experiment.name, href: "/experiments/\(experiment.id)"),
            KeyValueRow("Started (UTC)", Formatting.time(trace.requestTime)),
            KeyValueRow("Latency", SpanTime.latency(milliseconds: trace.executionDuration)),
            KeyValueRow("Spans", String(spans.count)),
        ]
        let recorded = trace.metadata.last { $0.key == TraceKeys.tokenUsage }.flatMap { TokenUsage(presentIn: $0.value) }
        if let tokens = recorded?.displayText ?? TokenUsage.sum(spans.compactMap(\.tokenUsage))?.displayText { rows.append(KeyValueRow("Tokens", tokens)) }
        if let runID = trace.runID {
            // The metadata is client text: it links only to a run of this project, else it is shown as written.
            rows.append(KeyValueRow("Run", run.map { $0.info.runName.isEmpty ? runID : $0.info.runName } ?? runID,
                                    href: run.map { "/runs/\($0.info.runID)" }, mono: run == nil))
        }
        if let clientRequestID = trace.clientRequestID { rows.append(KeyValueRow("Client request ID", clientRequestID, mono: true)) }
        if let preview = trace.requestPreview, !preview.isEmpty { rows.append(KeyValueRow("Request", preview)) }
        if let preview = trace.responsePreview, !preview.isEmpty { rows.append(KeyValueRow("Response", preview)) }
        return rows
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

extension Templates {
    static let trace = """
        <p class="sub"><span class="status {{stateClass}}">{{state}}</span> <span class="mono">{{traceID}}</span></p>
        <section><h2>Spans</h2>
        {{#notes}}<p class="note">{{.}}</p>{{/notes}}
        {{#artifactHref}}<p><a href="{{.}}" download>Download traces.json</a></p>{{/artifactHref}}
        {{#hasSpans}}<figure class="waterfall">{{{waterfall}}}</figure>{{/hasSpans}}
        </section>
        <div class="cards">
        <section><h2>Trace</h2><table class="kv">{{#info}}{{> keyValueRow}}{{/info}}</table></section>
        <section><h2>Tags</h2>{{^tags}}<p class="empty">No tags set.</p>{{/tags}}<table class="kv">{{#tags}}{{> keyValueRow}}{{/tags}}</table>
        <h2>Metadata</h2>{{^metadata}}<p class="empty">None.</p>{{/metadata}}<table class="kv">{{#metadata}}{{> keyValueRow}}{{/metadata}}</table></section>
        </div>
        <section><h2>Assessments</h2>{{^hasAssessments}}<p class="empty">No feedback or expectations logged.</p>{{/hasAssessments}}
        {{#hasAssessments}}<div class="scroll"><table class="grid assessments">
        <thead><tr><th>Name</th><th>Kind</th><th>Value</th><th>Rationale</th><th>Source</th><th>Span</th><th>Logged (UTC)</th></tr></thead><tbody>
        {{#assessments}}<tr{{^valid}} class="deleted" title="Overridden by a later assessment"{{/valid}}><td>{{name}}</td><td>{{kind}}</td><td><pre class="value">{{value}}</pre></td>
        <td>{{rationale}}</td><td>{{source}}</td><td class="mono">{{spanID}}</td><td class="nowrap">{{time}}</td></tr>{{/assessments}}
        </tbody></table></div>{{/hasAssessments}}
        </section>
        {{#hasSpans}}<section><h2>Span details</h2><div class="spans">{{{spanDetails}}}</div></section>{{/hasSpans}}
        """
}
