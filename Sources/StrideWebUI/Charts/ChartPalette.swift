/// Series colours: Paul Tol's "bright" scheme, chosen to stay distinct under the common forms of
/// colour blindness. Beyond seven series the colours repeat with a dash pattern, so no two of the
/// first 21 series look alike.
enum ChartPalette {
    static let series: [ChartColor] = [
        ChartColor(0x4477AA), ChartColor(0xEE6677), ChartColor(0x228833), ChartColor(0xCCBB44),
        ChartColor(0x66CCEE), ChartColor(0xAA3377), ChartColor(0xBBBBBB),
    ]

    /// The low and high ends of the parallel-coordinates colour scale (blue to orange, safe for
    /// red-green colour blindness).
    static let scaleLow = ChartColor(0x2166AC)
    static let scaleHigh = ChartColor(0xE08214)
    static let missing = ChartColor(0x999999)
    static let ink = ChartColor(0x333333)
    static let gridLine = ChartColor(0xE5E5E5)

    static func color(forSeries index: Int) -> ChartColor {
        series[index % series.count]
    }

    /// A `stroke-dasharray` value for the series, or nil for a solid line.
    static func dashPattern(forSeries index: Int) -> StaticString? {
        switch (index / series.count) % 3 {
        case 0: nil
        case 1: "6 3"
        default: "2 2"
        }
    }
}
