import StrideDomain
import Testing

@testable import StrideWebUI

/// A span for layout tests: times in nanoseconds from an arbitrary origin.
private func span(_ id: String, parent: String? = nil, start: Int64, end: Int64?, status: Int = 1, name: String? = nil) -> SpanRecord {
    SpanRecord(id: id, parentID: parent, name: name ?? id, startNanos: start, endNanos: end, statusCode: status)
}

@Suite("The trace waterfall's layout")
struct TraceWaterfallTests {
    @Test("places each span under its parent, siblings by start, bars relative to the whole trace")
    func treeOrderAndBars() {
        let spans = [
            span("child-late", parent: "root", start: 1_500, end: 2_000),
            span("root", start: 1_000, end: 2_000),
            span("grandchild", parent: "child-early", start: 1_100, end: 1_200),
            span("child-early", parent: "root", start: 1_000, end: 1_400),
        ]
        let layout = TraceWaterfall.layout(spans)
        #expect(layout.rows.map { spans[$0.span].id } == ["root", "child-early", "grandchild", "child-late"])
        #expect(layout.rows.map(\.depth) == [0, 1, 2, 1])
        #expect(layout.startNanos == 1_000)
        #expect(layout.durationNanos == 1_000)
        let late = layout.rows[3]
        #expect(late.start == 0.5)
        #expect(late.width == 0.5)
        #expect(layout.rows[2].start == 0.1)
        #expect(abs(layout.rows[2].width - 0.1) < 1e-9)
        #expect(layout.tooDeep == 0 && layout.beyondLimit == 0 && layout.orphans == 0)
    }

    @Test("no spans is an empty layout")
    func empty() {
        let layout = TraceWaterfall.layout([])
        #expect(layout.rows.isEmpty)
        #expect(layout.durationNanos == 0)
    }

    @Test("a parent cycle and a span that is its own parent still get one row each")
    func cycles() {
        let spans = [
            span("a", parent: "b", start: 10, end: 20),
            span("b", parent: "a", start: 15, end: 30),
            span("self", parent: "self", start: 5, end: 6),
        ]
        let layout = TraceWaterfall.layout(spans)
        #expect(layout.rows.count == 3)
        #expect(Set(layout.rows.map(\.span)) == [0, 1, 2])
        #expect(layout.rows.first { spans[$0.span].id == "b" }?.depth == 1)
        #expect(layout.orphans == 1)
    }

    @Test("spans whose parent is missing are drawn at the top level and counted")
    func missingParents() {
        let spans = [span("root", start: 0, end: 100), span("lost", parent: "nowhere", start: 50, end: 60)]
        let layout = TraceWaterfall.layout(spans)
        #expect(layout.rows.map(\.depth) == [0, 0])
        #expect(layout.orphans == 1)
    }

    @Test("an end before the start is a zero-width bar; a span without an end runs to the trace's end")
    func oddTimes() {
        let spans = [
            span("root", start: 0, end: 100),
            span("backwards", parent: "root", start: 80, end: 10),
            span("running", parent: "root", start: 40, end: nil, status: 0),
        ]
        let layout = TraceWaterfall.layout(spans)
        let backwards = layout.rows.first { spans[$0.span].id == "backwards" }
        let running = layout.rows.first { spans[$0.span].id == "running" }
        #expect(backwards?.start == 0.8)
        #expect(backwards?.width == 0)
        #expect(running?.isOpen == true)
        #expect(running?.start == 0.4)
        #expect(running?.width == 0.6)
    }

    @Test("extreme times neither trap nor leave the 0...1 range")
    func extremeTimes() {
        let spans = [
            span("early", start: .min, end: .max),
            span("late", parent: "early", start: .max, end: .min),
            span("same", start: 0, end: 0),
        ]
        let layout = TraceWaterfall.layout(spans)
        #expect(layout.rows.count == 3)
        for row in layout.rows {
            #expect((0...1).contains(row.start))
            #expect((0...1).contains(row.width))
            #expect(row.start + row.width <= 1 + 1e-9)
        }
    }

    @Test("all spans at one instant lay out without dividing by zero")
    func zeroDuration() {
        let layout = TraceWaterfall.layout([span("a", start: 7, end: 7), span("b", parent: "a", start: 7, end: 7)])
        #expect(layout.rows.map(\.start) == [0, 0])
        #expect(layout.rows.map(\.width) == [0, 0])
    }

    @Test("rows and depth are bounded, and what is left out is counted")
    func bounds() {
        // A chain 100 deep: each span the parent of the next.
        let chain = (0..<100).map { span("s\($0)", parent: $0 == 0 ? nil : "s\($0 - 1)", start: Int64($0), end: 1_000) }
        let deep = TraceWaterfall.layout(chain, maxRows: 1_000, maxDepth: 10)
        #expect(deep.rows.count == 11)
        #expect(deep.rows.last?.depth == 10)
        #expect(deep.tooDeep == 89)

        let flat = (0..<50_000).map { span("s\($0)", parent: $0 == 0 ? nil : "s0", start: Int64($0), end: 60_000) }
        let capped = TraceWaterfall.layout(flat, maxRows: 1_000, maxDepth: 10)
        #expect(capped.rows.count == 1_000)
        #expect(capped.beyondLimit == 49_000)
        #expect(capped.rows.map(\.span) == Array(0..<1_000))
    }

    @Test("a deep chain far beyond any recursion limit lays out")
    func veryDeepChain() {
        let chain = (0..<30_000).map { span("s\($0)", parent: $0 == 0 ? nil : "s\($0 - 1)", start: Int64($0), end: nil) }
        let layout = TraceWaterfall.layout(chain)
        #expect(layout.rows.count == Limits.maxWaterfallDepth + 1)
        #expect(layout.tooDeep == 30_000 - Limits.maxWaterfallDepth - 1)
    }

    @Test("a repeated span id belongs to its first span; the others are still drawn")
    func duplicateIDs() {
        let spans = [span("x", start: 0, end: 10), span("x", start: 1, end: 5), span("child", parent: "x", start: 2, end: 3)]
        let layout = TraceWaterfall.layout(spans)
        #expect(layout.rows.count == 3)
        #expect(layout.rows.map(\.span) == [0, 2, 1])
    }
}

@Suite("The trace waterfall's SVG")
struct TraceWaterfallSVGTests {
    @Test("draws a named, linked, status-coloured bar per span with hostile names escaped")
    func rendering() {
        let spans = [
            span("root", start: 0, end: 2_000_000, name: "<script>alert('x')</script>"),
            span("bad", parent: "root", start: 500_000, end: 1_500_000, status: 2, name: "tool & \"call\""),
        ]
        let svg = TraceWaterfall.layout(spans).svg(spans, title: "Spans of t")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"waterfall\""))
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(svg.contains("tool &amp; &quot;call&quot;"))
        #expect(svg.contains("<a href=\"#span-0\"><g class=\"wf-row wf-ok\">"))
        #expect(svg.contains("<a href=\"#span-1\"><g class=\"wf-row wf-error\">"))
        #expect(svg.contains("fill=\"#C0392B\""))
        #expect(svg.contains(">2.0ms</text>"))
        #expect(svg.contains("<title>tool &amp; &quot;call&quot; · 1.0ms · ERROR</title>"))
        // The error span starts a quarter of the way along the bar area (308 + 644 / 4).
        #expect(svg.contains("<rect class=\"wf-bar\" x=\"469\""))
    }

    @Test("an empty trace says so")
    func empty() {
        #expect(TraceWaterfall.layout([]).svg([], title: "t").contains(">No spans</text>"))
    }
}
