import StrideDomain
import Testing
@testable import StrideMLflowAPI

@Suite("The JSON writer's fast paths write what the general ones do")
struct JSONWriterFastPathTests {
    @Test("integers are Swift's own decimal text, at the edges of Int64 too", arguments: [
        Int64.min, Int64.min + 1, -1_600_000_000_000, -10, -9, -1, 0, 1, 9, 10, 99, 100, 1_600_000_000_000, Int64.max - 1, Int64.max,
    ])
    func decimal(_ number: Int64) {
        var writer = JSONWriter()
        writer.beginArray()
        writer.value(number)
        writer.value(number)
        writer.endArray()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[\(number),\(number)]")
    }

    @Test("history points share their escaped key and read as each point written alone")
    func historyPoints() {
        let points = [
            Metric(key: "loss \"quoted\"", value: 0.5, timestamp: 1_600_000_000_000, step: 0),
            Metric(key: "loss \"quoted\"", value: .nan, timestamp: 1_600_000_000_001, step: -1),
            Metric(key: "accuracy", value: -.infinity, timestamp: 0, step: Int64.max),
            Metric(key: "loss \"quoted\"", value: 1e-300, timestamp: -5, step: 3),
        ]
        var fast = JSONWriter()
        fast.beginArray()
        fast.writeHistoryPoints(points)
        fast.endArray()
        var general = JSONWriter()
        general.beginArray()
        for point in points { general.write(point) }
        general.endArray()
        #expect(fast.bytes == general.bytes)
    }
}
