import Testing
@testable import StrideWebUI

@Suite("Time axes")
struct ChartTimeLabelTests {
    /// 2026-11-27 13:00:00 UTC.
    private let afternoon = 1_795_784_400_000.0
    private let minute = 60_000.0
    private let hour = 3_600_000.0
    private let day = 86_400_000.0

    @Test("wall time within a day is labelled HH:mm in UTC")
    func wallTimeShortSpan() {
        let ticks = ChartTicks.wallTime(afternoon...(afternoon + 100 * minute), count: 6)
        #expect(ticks.labels == ["13:00", "13:15", "13:30", "13:45", "14:00", "14:15", "14:30"])
    }

    @Test("an hourly axis crossing midnight names the new day there")
    func wallTimeAcrossMidnight() {
        let ticks = ChartTicks.wallTime(afternoon...(afternoon + 18 * hour), count: 6)
        #expect(ticks.labels == ["15:00", "18:00", "21:00", "Nov 28", "03:00", "06:00"])
    }

    @Test("wall time over weeks is labelled with dates")
    func wallTimeLongSpan() {
        let ticks = ChartTicks.wallTime(afternoon...(afternoon + 20 * day), count: 5)
        #expect(ticks.labels == ["Dec 3", "Dec 10", "Dec 17"])
    }

    @Test("a full timestamp for hover titles")
    func wallValue() {
        #expect(ChartTimeLabel.wallValue(afternoon + 5 * minute + 9_000) == "2026-11-27 13:05:09 UTC")
        #expect(ChartTimeLabel.wallValue(0) == "1970-01-01 00:00:00 UTC")
        #expect(ChartTimeLabel.wallValue(951_782_400_000) == "2000-02-29 00:00:00 UTC")
    }

    @Test("relative time picks seconds, minutes or hours by span")
    func relativeTimeUnits() {
        #expect(ChartTicks.relativeTime(0...(50 * 1000), count: 5).labels == ["0", "10s", "20s", "30s", "40s", "50s"])
        #expect(ChartTicks.relativeTime(0...(30 * minute), count: 3).labels == ["0", "10min", "20min", "30min"])
        #expect(ChartTicks.relativeTime(0...(10 * hour), count: 5).labels == ["0", "2h", "4h", "6h", "8h", "10h"])
        #expect(ChartTimeLabel.relativeValue(90_000) == "90s")
        #expect(ChartTimeLabel.relativeValue(9_000_000) == "2.5h")
    }
}
