import Testing
@testable import StrideWebUI

@Suite("Number labels and coordinates")
struct ChartNumberLabelTests {
    @Test("tick labels are compact", arguments: [
        (0.001, 0.001, 0.01, "0.001"),
        (1500.0, 500.0, 3000.0, "1.5k"),
        (2e-7, 1e-7, 5e-7, "2e-7"),
        (2_000_000.0, 1_000_000.0, 5e6, "2M"),
        (-0.25, 0.05, 1.0, "-0.25"),
        (250.0, 50.0, 500.0, "250"),
        (0.0, 0.1, 1.0, "0"),
        (3e9, 1e9, 5e9, "3G"),
    ])
    func tickLabels(value: Double, step: Double, magnitude: Double, expected: String) {
        #expect(ChartNumberLabel.tick(value, step: step, magnitude: magnitude) == expected)
    }

    @Test("values on their own keep six significant digits", arguments: [
        (0.123456789, "0.123457"), (1234.5678, "1234.57"), (3e-9, "3e-9"), (-42.0, "-42"),
        (1_790_000_000_123, "1790000000123"), (Double.nan, "NaN"),
    ])
    func valueLabels(value: Double, expected: String) {
        #expect(ChartNumberLabel.value(value) == expected)
    }

    @Test("coordinates are rounded to 0.1 without trailing zeros or -0", arguments: [
        (12.34, "12.3"), (12.35, "12.4"), (7.0, "7"), (-0.04, "0"), (-3.96, "-4"), (0.05, "0.1"), (1e20, "1000000000"),
    ])
    func coordinates(value: Double, expected: String) {
        var writer = ChartSVGWriter()
        writer.coordinate(value)
        #expect(writer.string == expected)
    }
}
