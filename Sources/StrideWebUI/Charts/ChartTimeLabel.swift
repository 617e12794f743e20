import StrideDomain

/// Labels for time axes, always in UTC so the same chart reads the same for everyone.
enum ChartTimeLabel {
    static let millisecondsPerDay: Double = 86_400_000

    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// A wall-clock tick: `HH:mm:ss` for steps under a minute, `HH:mm` under a day (the date at
    /// midnight), `Nov 27` for day steps and `2026-11` for month-sized steps.
    static func wallTick(_ epochMilliseconds: Double, step: Double) -> String {
        let moment = ChartUTCMoment(epochMilliseconds: epochMilliseconds)
        if step >= 28 * millisecondsPerDay {
            return "\(moment.year)-\(twoDigits(moment.month))"
        }
        if step >= millisecondsPerDay || (moment.isMidnight && step >= 3_600_000) {
            return "\(monthNames[moment.month - 1]) \(moment.day)"
        }
        if step < 60_000 {
            return "\(twoDigits(moment.hour)):\(twoDigits(moment.minute)):\(twoDigits(moment.second))"
        }
        return "\(twoDigits(moment.hour)):\(twoDigits(moment.minute))"
    }

    /// A full timestamp for hover titles: `2026-11-27 13:05:09 UTC`.
    static func wallValue(_ epochMilliseconds: Double) -> String {
        let moment = ChartUTCMoment(epochMilliseconds: epochMilliseconds)
        return "\(moment.year)-\(twoDigits(moment.month))-\(twoDigits(moment.day)) "
            + "\(twoDigits(moment.hour)):\(twoDigits(moment.minute)):\(twoDigits(moment.second)) UTC"
    }

    /// A relative-time tick in the unit chosen for the whole axis.
    static func relativeTick(_ milliseconds: Double, step: Double, unit: ChartRelativeTimeUnit) -> String {
        guard milliseconds != 0 else { return "0" }
        let label = ChartNumberLabel.tick(milliseconds / unit.milliseconds,
                                          step: step / unit.milliseconds, magnitude: 1)
        return label + unit.symbol
    }

    /// A relative time on its own, in the unit an axis spanning it would use.
    static func relativeValue(_ milliseconds: Double) -> String {
        let unit = ChartRelativeTimeUnit(forSpan: milliseconds.magnitude)
        return ChartNumberLabel.value(milliseconds / unit.milliseconds) + unit.symbol
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}

/// The unit of a relative-time axis: seconds under two minutes, minutes under two hours, else hours.
enum ChartRelativeTimeUnit: Sendable {
    case seconds, minutes, hours

    init(forSpan milliseconds: Double) {
        switch milliseconds {
        case ..<120_000: self = .seconds
        case ..<7_200_000: self = .minutes
        default: self = .hours
        }
    }

    var milliseconds: Double {
        switch self {
        case .seconds: 1_000
        case .minutes: 60_000
        case .hours: 3_600_000
        }
    }

    var symbol: String {
        switch self {
        case .seconds: "s"
        case .minutes: "min"
        case .hours: "h"
        }
    }
}

/// A UTC calendar date and time computed arithmetically, avoiding `DateFormatter` and time zones.
private struct ChartUTCMoment {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int

    var isMidnight: Bool { hour == 0 && minute == 0 && second == 0 }

    init(epochMilliseconds: Double) {
        // Clamped to years 0...9999 so absurd inputs still give a label instead of trapping.
        let finite = epochMilliseconds.isFinite ? epochMilliseconds : 0
        let clamped = min(max(finite, -62_167_219_200_000), 253_402_300_799_000)
        let totalSeconds = ChartMath.whole(clamped / 1000, rounding: .down) ?? 0
        var days = totalSeconds / 86_400
        var secondOfDay = totalSeconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        hour = secondOfDay / 3600
        minute = secondOfDay / 60 % 60
        second = secondOfDay % 60
        // Days are clamped above to years 0...9999, so every conversion here is exact.
        let date = ProtobufTime.civil(fromDays: Int64(exactly: days) ?? 0)
        (year, month, day) = (Int(exactly: date.year) ?? 0, Int(exactly: date.month) ?? 1, Int(exactly: date.day) ?? 1)
    }
}
