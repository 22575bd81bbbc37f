/// Draws an inverse-kinematics path: the arm at each target's solution, the targets joined in order and the
/// positions reached. Both axes share one scale.
extension SVGPlot {
    /// At most this many arm poses are drawn (evenly spaced, the first and last always), so a 1,000-target path
    /// stays a readable, bounded picture; targets and reached points are all drawn.
    public static let maxPathPoses = 60

    /// A path of inverse-kinematics targets and the chain's solutions.
    ///
    /// - Parameters:
    ///   - jointPositions: for each target's solution, in order, the base, each joint and the end effector (2-D for a
    ///     planar chain, 3-D otherwise; missing coordinates are 0).
    ///   - targets: the target positions in order.
    ///   - plane: the plane 3-D points are projected on; planar chains use `.xy`.
    ///   - projected: whether to say in the title that the picture is a projection.
    ///   - title: shown at the top and as the document's `<title>`.
    public static func ikPath(jointPositions: [[[Double]]], targets: [[Double]], plane: ProjectionPlane, title: String,
                              projected: Bool) -> String {
        let (h, v) = plane.axes
        func flat(_ point: [Double]) -> (x: Double, y: Double) {
            (h < point.count ? point[h] : 0, v < point.count ? point[v] : 0)
        }
        let poses = jointPositions.map { $0.map(flat) }
        let goals = targets.map(flat)
        let reached = poses.compactMap(\.last)

        let finite = (poses.joined() + goals).filter { $0.x.isFinite && $0.y.isFinite }
        let (xLow, xHigh) = padded(finite.map(\.x).min() ?? -1, finite.map(\.x).max() ?? 1, fraction: 0.06)
        let (yLow, yHigh) = padded(finite.map(\.y).min() ?? -1, finite.map(\.y).max() ?? 1, fraction: 0.06)
        let half = max(xHigh - xLow, yHigh - yLow) / 2
        let (cx, cy) = ((xLow + xHigh) / 2, (yLow + yHigh) / 2)
        let xTicks = Ticks.nice(lower: cx - half, upper: cx + half)
        let yTicks = Ticks.nice(lower: cy - half, upper: cy + half)
        let side = 440.0, keyWidth = 130.0
        let left = 24 + SVGWriter.yTickLabelSpace(yTicks) + 8
        let plot = PixelRect(x: left, y: 44, width: side, height: side)
        let xMap = LinearMap(lower: cx - half, upper: cx + half, pixelStart: plot.x, pixelEnd: plot.maxX)
        let yMap = LinearMap(lower: cy - half, upper: cy + half, pixelStart: plot.maxY, pixelEnd: plot.y)
        let fullTitle = projected ? title + " (" + plane.rawValue + " projection)" : title
        var svg = SVGWriter(width: plot.maxX + 24 + keyWidth, height: plot.maxY + 52, title: fullTitle)
        let names = plane.axisNames
        svg.axes(plot: plot, x: xMap, xTicks: xTicks, xTitle: names.0, y: yMap, yTicks: yTicks, yTitle: names.1)
        func pixels(_ p: (x: Double, y: Double)) -> (Double, Double) { (xMap.pixel(p.x), yMap.pixel(p.y)) }
        func usable(_ p: (x: Double, y: Double)) -> Bool { p.x.isFinite && p.y.isFinite }

        // Arm poses, light, the last one bold.
        let shown = poses.count <= maxPathPoses
            ? Array(poses.indices)
            : (0..<maxPathPoses).map { Int((Double($0) * Double(poses.count - 1) / Double(maxPathPoses - 1)).rounded()) }
        for index in shown {
            let isLast = index == poses.count - 1
            let points = poses[index].filter(usable).map(pixels)
            svg.polyline(points, attributes: [("class", isLast ? "pose final" : "pose"),
                                              ("stroke", isLast ? "#08519c" : "#9ecae1"),
                                              ("stroke-width", isLast ? "3" : "1.5"), ("stroke-linejoin", "round")])
        }
        // The targets in order, and where the end effector got.
        let goalPixels = goals.filter(usable).map(pixels)
        if goalPixels.count > 1 {
            svg.polyline(goalPixels, attributes: [("class", "target-path"), ("stroke", "#cb181d"),
                                                  ("stroke-width", "1.5"), ("stroke-dasharray", "4 3")])
        }
        svg.open("g", [("class", "targets"), ("fill", "none"), ("stroke", "#cb181d"), ("stroke-width", "1.5")])
        for (number, goal) in goals.enumerated() where usable(goal) {
            let (x, y) = pixels(goal)
            svg.circle(cx: x, cy: y, r: 4, attributes: [], tooltip: "target \(number)")
        }
        svg.close("g")
        svg.open("g", [("class", "reached"), ("fill", "#08519c")])
        for point in reached where usable(point) {
            let (x, y) = pixels(point)
            svg.circle(cx: x, cy: y, r: 2, attributes: [])
        }
        svg.close("g")

        // Key.
        let keyX = plot.maxX + 24, keyY = plot.y + 8
        svg.open("g", [("class", "key")])
        svg.line(x1: keyX, y1: keyY, x2: keyX + 24, y2: keyY, attributes: [("stroke", "#9ecae1"), ("stroke-width", "1.5")])
        svg.text("solutions", x: keyX + 30, y: keyY + 4)
        svg.line(x1: keyX, y1: keyY + 20, x2: keyX + 24, y2: keyY + 20, attributes: [("stroke", "#08519c"), ("stroke-width", "3")])
        svg.text("last solution", x: keyX + 30, y: keyY + 24)
        svg.circle(cx: keyX + 12, cy: keyY + 40, r: 4, attributes: [("fill", "none"), ("stroke", "#cb181d"), ("stroke-width", "1.5")])
        svg.text("targets", x: keyX + 30, y: keyY + 44)
        svg.circle(cx: keyX + 12, cy: keyY + 60, r: 2, attributes: [("fill", "#08519c")])
        svg.text("reached", x: keyX + 30, y: keyY + 64)
        svg.close("g")
        return svg.finished()
    }
}
