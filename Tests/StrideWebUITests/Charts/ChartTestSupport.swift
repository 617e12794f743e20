import Foundation
@testable import StrideWebUI

/// Small helpers that keep the chart specifications readable.
enum ChartTestSupport {
    static func series(_ label: String, _ values: [Double], startStep: Double = 0) -> ChartSeries {
        ChartSeries(label: label, points: values.enumerated().map { ChartPoint(x: startStep + Double($0.offset), y: $0.element) })
    }

    /// The number of non-overlapping occurrences of `needle` in `haystack`.
    static func count(_ needle: String, in haystack: String) -> Int {
        haystack.components(separatedBy: needle).count - 1
    }

    /// The `d` attributes of the `<path>` elements with the given class, in document order.
    static func pathData(_ svg: String, class className: String) -> [String] {
        svg.components(separatedBy: "<path class=\"\(className)\"").dropFirst().compactMap { element in
            guard let start = element.range(of: " d=\"") else { return nil }
            let rest = element[start.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
    }

    /// The text of every `<text class="tick">` inside the group with the given class (`x-axis`, `y-axis`).
    static func tickLabels(_ svg: String, axis: String) -> [String] {
        guard let group = svg.range(of: "<g class=\"axis \(axis)\">") else { return [] }
        let body = svg[group.upperBound...]
        let end = body.range(of: "</g>")?.lowerBound ?? body.endIndex
        return body[..<end].components(separatedBy: "<text class=\"tick\"").dropFirst().compactMap { element in
            guard let open = element.firstIndex(of: ">"), let close = element.range(of: "</text>") else { return nil }
            return String(element[element.index(after: open)..<close.lowerBound])
        }
    }
}
