/// How a line chart is drawn.
struct LineChartOptions: Sendable {
    var title: String
    var xAxis: ChartXAxis
    var logScaleY: Bool
    /// The EMA weight in 0..<1; 0 draws the raw values only.
    var smoothing: Double
    var width: Int
    var height: Int

    init(title: String, xAxis: ChartXAxis = .step, logScaleY: Bool = false, smoothing: Double = 0,
         width: Int = 640, height: Int = 320) {
        self.title = title
        self.xAxis = xAxis
        self.logScaleY = logScaleY
        self.smoothing = smoothing
        self.width = width
        self.height = height
    }
}
