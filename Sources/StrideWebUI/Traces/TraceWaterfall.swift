import StrideDomain

/// The layout of a trace's span tree as a waterfall: one row per span in tree order (each span
/// under its parent, siblings by start time), its bar placed by start and end relative to the trace.
///
/// Total on any input: spans without a known parent (or naming themselves) are drawn at the top
/// level, a parent cycle is broken where it is first entered, an end before the start is a
/// zero-length bar, and the rows and depth drawn are bounded, with what was left out counted.
struct TraceWaterfall: Sendable, Equatable {
    struct Row: Sendable, Equatable {
        /// The span's index in the spans laid out.
        var span: Int
        var depth: Int
        /// Where the bar starts and how wide it is, as fractions (0...1) of the trace's time span.
        var start: Double
        var width: Double
        /// The span has no end yet: its bar runs to the end of the trace.
        var isOpen: Bool
    }

    var rows: [Row]
    /// The earliest start among the spans, and the time from it to the latest end.
    var startNanos: Int64
    var durationNanos: Double
    /// Spans nested deeper than the depth limit, not drawn.
    var tooDeep: Int
    /// Spans beyond the row limit, not drawn.
    var beyondLimit: Int
    /// Spans whose parent is not among the spans, drawn at the top level.
    var orphans: Int

    static func layout(_ spans: [SpanRecord], maxRows: Int = Limits.maxWaterfallSpans, maxDepth: Int = Limits.maxWaterfallDepth) -> TraceWaterfall {
        var first = Int64.max
        var last = Int64.min
        for span in spans {
            first = min(first, span.startNanos)
            last = max(last, span.startNanos, span.endNanos ?? span.startNanos)
        }
        if spans.isEmpty { (first, last) = (0, 0) }
        // In Doubles: the difference of two hostile Int64s can overflow an Int64, never a Double.
        let duration = Double(last) - Double(first)
        var layout = TraceWaterfall(rows: [], startNanos: first, durationNanos: duration, tooDeep: 0, beyondLimit: 0, orphans: 0)

        let tree = SpanTree(spans)
        layout.orphans = tree.orphans
        var visited = [Bool](repeating: false, count: spans.count)
        // Roots first; then whatever they did not reach (spans in a parent cycle), earliest first.
        for start in tree.roots + tree.byStart {
            guard !visited[start] else { continue }
            var stack = [(span: start, depth: 0)]
            while let (index, depth) = stack.popLast() {
                guard !visited[index] else { continue }
                visited[index] = true
                if depth > maxDepth {
                    layout.tooDeep += 1
                } else if layout.rows.count >= maxRows {
                    layout.beyondLimit += 1
                } else {
                    layout.rows.append(layout.row(spans[index], index: index, depth: depth))
                }
                for child in tree.children[index].reversed() where !visited[child] { stack.append((child, depth + 1)) }
            }
        }
        return layout
    }

    private func row(_ span: SpanRecord, index: Int, depth: Int) -> Row {
        let scale = durationNanos > 0 ? durationNanos : 1
        let start = Self.fraction((Double(span.startNanos) - Double(startNanos)) / scale)
        let end = span.endNanos.map { Self.fraction((Double($0) - Double(startNanos)) / scale) } ?? 1
        return Row(span: index, depth: depth, start: start, width: max(0, end - start), isOpen: span.endNanos == nil)
    }

    private static func fraction(_ value: Double) -> Double {
        value.isFinite ? min(max(value, 0), 1) : 0
    }
}

/// Parent-to-children links among spans by id; the first span of a repeated id owns it.
private struct SpanTree {
    var children: [[Int]]
    var roots: [Int]
    /// Every span's index, earliest start first.
    var byStart: [Int]
    var orphans = 0

    init(_ spans: [SpanRecord]) {
        var indexByID: [String: Int] = [:]
        indexByID.reserveCapacity(spans.count)
        for (index, span) in spans.enumerated() where indexByID[span.id] == nil { indexByID[span.id] = index }
        byStart = spans.indices.sorted { (spans[$0].startNanos, $0) < (spans[$1].startNanos, $1) }
        children = Array(repeating: [], count: spans.count)
        roots = []
        // Walking in start order leaves every child list in start order.
        for index in byStart {
            guard let parent = spans[index].parentID, !parent.isEmpty else {
                roots.append(index)
                continue
            }
            if let parentIndex = indexByID[parent], parentIndex != index {
                children[parentIndex].append(index)
            } else {
                roots.append(index)
                orphans += 1
            }
        }
    }
}
