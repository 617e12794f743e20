/// Path data for lines with gaps.
extension ChartSVGWriter {
    /// An isolated point: a segment of one position, which a stroked path cannot show.
    struct IsolatedPoint {
        var index: Int
        var x: Double
        var y: Double
    }

    /// Writes `M…L…` path data for `count` points; a nil point breaks the line and the next one starts
    /// a new `M` segment. Consecutive points landing on the same 0.1 px are written once.
    /// Returns the points left alone in their segment, so callers can draw markers for them.
    mutating func polylineData(count: Int, point: (Int) -> (x: Double, y: Double)?) -> [IsolatedPoint] {
        var isolated: [IsolatedPoint] = []
        var segmentStart: IsolatedPoint?
        var segmentLength = 0
        var lastX = 0, lastY = 0
        for index in 0..<count {
            guard let position = point(index) else {
                if segmentLength == 1, let start = segmentStart { isolated.append(start) }
                segmentLength = 0
                continue
            }
            let x = Self.tenths(of: position.x), y = Self.tenths(of: position.y)
            if segmentLength == 0 {
                byte(UInt8(ascii: "M"))
                segmentStart = IsolatedPoint(index: index, x: position.x, y: position.y)
            } else if x == lastX, y == lastY {
                continue
            } else {
                byte(UInt8(ascii: "L"))
            }
            tenths(x)
            byte(UInt8(ascii: ","))
            tenths(y)
            segmentLength += 1
            lastX = x
            lastY = y
        }
        if segmentLength == 1, let start = segmentStart { isolated.append(start) }
        return isolated
    }
}
