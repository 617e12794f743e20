/// An sRGB colour, written into SVG as `#RRGGBB`.
struct ChartColor: Sendable, Equatable {
    var red: UInt8
    var green: UInt8
    var blue: UInt8

    init(_ hex: UInt32) {
        red = UInt8((hex >> 16) & 0xFF)
        green = UInt8((hex >> 8) & 0xFF)
        blue = UInt8(hex & 0xFF)
    }

    init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// The colour `fraction` of the way from `start` to `end` (clamped to 0...1).
    static func blend(_ start: ChartColor, _ end: ChartColor, fraction: Double) -> ChartColor {
        let t = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded())
        }
        return ChartColor(red: mix(start.red, end.red), green: mix(start.green, end.green),
                          blue: mix(start.blue, end.blue))
    }
}
