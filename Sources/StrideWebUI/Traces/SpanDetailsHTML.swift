import StrideDomain

/// The details of each drawn span (inputs, outputs, attributes, events), one `<details>` element
/// per span in waterfall order, with `id="span-N"` for the waterfall's links.
///
/// Written directly rather than through a template: a 1,000-span trace has tens of thousands of
/// values, and every one of them reaches the page only through the writer's escaping `text(_:)`.
enum SpanDetailsHTML {
    static func render(_ waterfall: TraceWaterfall, _ spans: [SpanRecord]) -> String {
        var writer = ChartSVGWriter(capacity: 1024 + waterfall.rows.count * 1024)
        for (position, row) in waterfall.rows.enumerated() {
            write(spans[row.span], index: row.span, offsetNanos: Double(spans[row.span].startNanos) - Double(waterfall.startNanos),
                  open: position == 0, into: &writer)
        }
        return writer.string
    }

    private static func write(_ span: SpanRecord, index: Int, offsetNanos: Double, open: Bool, into writer: inout ChartSVGWriter) {
        writer.raw("<details class=\"span\" id=\"span-")
        writer.integer(index)
        writer.raw(open ? "\" open><summary>" : "\"><summary>")
        writer.raw("<span class=\"status span-")
        writer.raw(span.statusCode == 2 ? "error\">ERROR" : span.statusCode == 1 ? "ok\">OK" : "unset\">UNSET")
        writer.raw("</span> <strong>")
        writer.text(span.name.isEmpty ? "(unnamed)" : span.name)
        writer.raw("</strong> <span class=\"muted\">")
        if let type = span.spanType, !type.isEmpty {
            writer.text(type)
            writer.raw(" · ")
        }
        writer.text(span.durationNanos.map { SpanTime.duration(nanos: $0) } ?? "not ended")
        writer.raw(" · at +")
        writer.text(SpanTime.duration(nanos: max(0, offsetNanos)))
        writer.raw("</span></summary><div class=\"span-body\">")
        if !span.statusMessage.isEmpty {
            writer.raw("<p class=\"error\">")
            writer.text(span.statusMessage)
            writer.raw("</p>")
        }
        if let usage = span.tokenUsage?.displayText {
            writer.raw("<p>Tokens: ")
            writer.text(usage)
            writer.raw("</p>")
        }
        section("Inputs", span.inputs, into: &writer)
        section("Outputs", span.outputs, into: &writer)
        let attributes = span.otherAttributes
        if !attributes.isEmpty {
            writer.raw("<h3>Attributes</h3>")
            table(attributes, into: &writer)
        }
        if !span.events.isEmpty {
            writer.raw("<h3>Events</h3><ul class=\"events\">")
            for event in span.events {
                writer.raw("<li><strong>")
                writer.text(event.name)
                writer.raw("</strong>")
                if let time = event.timeNanos {
                    writer.raw(" <span class=\"muted\">at +")
                    writer.text(SpanTime.duration(nanos: max(0, Double(time) - Double(span.startNanos))))
                    writer.raw("</span>")
                }
                if !event.attributes.isEmpty { table(event.attributes, into: &writer) }
                writer.raw("</li>")
            }
            writer.raw("</ul>")
        }
        writer.raw("<p class=\"muted mono\">span ")
        writer.text(span.id)
        if let parent = span.parentID {
            writer.raw(" · parent ")
            writer.text(parent)
        }
        writer.raw("</p></div></details>\n")
    }

    private static func section(_ heading: StaticString, _ value: String?, into writer: inout ChartSVGWriter) {
        guard let value, !value.isEmpty else { return }
        writer.raw("<h3>")
        writer.raw(heading)
        writer.raw("</h3>")
        self.value(value, into: &writer)
    }

    private static func table(_ pairs: [KeyValue], into writer: inout ChartSVGWriter) {
        writer.raw("<table class=\"kv\">")
        for pair in pairs {
            writer.raw("<tr><th class=\"mono\">")
            writer.text(pair.key)
            writer.raw("</th><td>")
            value(pair.value, into: &writer)
            writer.raw("</td></tr>")
        }
        writer.raw("</table>")
    }

    private static func value(_ raw: String, into writer: inout ChartSVGWriter) {
        let shown = SpanValueText(raw)
        writer.raw("<pre class=\"value\">")
        writer.text(shown.text)
        writer.raw("</pre>")
        if shown.truncated {
            writer.raw("<p class=\"muted\">Cut to the first ")
            writer.integer(Limits.maxSpanValueDisplayBytes / 1024)
            writer.raw(" KB of ")
            writer.text(Formatting.bytes(Int64(shown.totalBytes)))
            writer.raw(".</p>")
        }
    }
}
