/// The rectangle inside a chart where data is drawn, in SVG user units.
struct ChartPlotArea: Sendable {
    var left: Double
    var top: Double
    var right: Double
    var bottom: Double

    var width: Double { right - left }
    var height: Double { bottom - top }

    /// Charts too small for their margins still get a plot area of at least one unit.
    init(left: Double, top: Double, right: Double, bottom: Double) {
        self.left = left
        self.top = top
        self.right = max(right, left + 1)
        self.bottom = max(bottom, top + 1)
    }
}
