/// Builds SVG markup as UTF-8 bytes. Markup comes only from `StaticString` literals, so run names and
/// other user text can reach the output only through `text(_:)`, which escapes it.
///
/// Class names the page stylesheet may target (charts carry presentation attributes, never `style`):
/// - root `<svg>`: `chart` plus `chart-line`, `chart-scatter` or `chart-parallel`
/// - `chart-title` the heading; `no-data` the empty-chart message
/// - `plot` the plot-area rectangle; `axis x-axis` and `axis y-axis` the axis groups, holding `grid`
///   lines, `tick` labels, the `axis-line` and the `axis-label`
/// - line charts: `series` one group per series (`data-label`, `data-color`, `data-points`) holding a
///   `line` path, or `raw` and `smoothed` paths when smoothing, and `marker` circles for isolated
///   points; `legend` holding `legend-item` groups and `legend-more`
/// - scatter plots: `points` holding one `point` circle per run
/// - parallel coordinates: `pc-axis` groups (`axis-line`, `tick-mark`, `tick`, `pc-axis-name`),
///   `pc-lines` holding `pc-line` paths and `marker` circles, `pc-scale` the colour key
/// - `hover`, `hover-guide`, `hover-box`, `hover-text`: added by chart-hover.js while the pointer
///   is over a line chart
struct ChartSVGWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func raw(_ markup: StaticString) {
        markup.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Writes user text escaped for both element content and quoted attribute values.
    mutating func text(_ value: String) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "&"): raw("&amp;")
            case UInt8(ascii: "<"): raw("&lt;")
            case UInt8(ascii: ">"): raw("&gt;")
            case UInt8(ascii: "\""): raw("&quot;")
            case UInt8(ascii: "'"): raw("&#39;")
            // Control characters are not allowed in XML 1.0 and would make the whole SVG unparseable.
            case 0x00...0x08, 0x0B, 0x0C, 0x0E...0x1F: bytes.append(UInt8(ascii: " "))
            default: bytes.append(byte)
            }
        }
    }

    mutating func integer(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        unsigned(value.magnitude)
    }

    mutating func unsigned(_ value: UInt, minimumDigits: Int = 1) {
        if value >= 100_000_000 || minimumDigits > 8 {
            unsigned(value / 100_000_000, minimumDigits: max(1, minimumDigits - 8))
            unsigned(value % 100_000_000, minimumDigits: 8)
            return
        }
        // Up to eight digits gathered in one word, most significant in the lowest byte, then appended
        // at once: appending byte by byte dominated the time of a whole chart.
        var packed: UInt64 = 0
        var count = 0
        var rest = value
        repeat {
            packed = packed << 8 | UInt64(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
            count += 1
        } while rest > 0 || count < minimumDigits
        withUnsafeBytes(of: packed.littleEndian) { digits in
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: digits[0..<count]))
        }
    }

    /// Writes a pixel coordinate rounded to 0.1, the precision a screen can show.
    mutating func coordinate(_ value: Double) {
        tenths(ChartSVGWriter.tenths(of: value))
    }

    /// A pixel position in tenths of a unit, clamped so no input can overflow an `Int`.
    static func tenths(of value: Double) -> Int {
        guard value.isFinite else { return 0 }
        let scaled = min(max(value, -1e9), 1e9) * 10
        // Truncating after adding ±0.5 rounds half away from zero in one instruction; `rounded()` is a libm call.
        return Int(scaled + (scaled < 0 ? -0.5 : 0.5))
    }

    mutating func tenths(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        unsigned(magnitude / 10)
        let fraction = magnitude % 10
        if fraction != 0 {
            bytes.append(UInt8(ascii: "."))
            bytes.append(UInt8(ascii: "0") + UInt8(fraction))
        }
    }

    mutating func attribute(_ name: StaticString, _ value: Double) {
        beginAttribute(name)
        coordinate(value)
        endAttribute()
    }

    mutating func attribute(_ name: StaticString, _ value: StaticString) {
        beginAttribute(name)
        raw(value)
        endAttribute()
    }

    mutating func attribute(_ name: StaticString, text value: String) {
        beginAttribute(name)
        text(value)
        endAttribute()
    }

    mutating func attribute(_ name: StaticString, color: ChartColor) {
        beginAttribute(name)
        hexColor(color)
        endAttribute()
    }

    /// Writes ` name="`; the value follows, then `endAttribute()`.
    mutating func beginAttribute(_ name: StaticString) {
        bytes.append(UInt8(ascii: " "))
        raw(name)
        raw("=\"")
    }

    mutating func endAttribute() {
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func hexColor(_ color: ChartColor) {
        let hexDigits: StaticString = "0123456789ABCDEF"
        bytes.append(UInt8(ascii: "#"))
        hexDigits.withUTF8Buffer { digits in
            for component in [color.red, color.green, color.blue] {
                bytes.append(digits[Int(component >> 4)])
                bytes.append(digits[Int(component & 0x0F)])
            }
        }
    }
}
