/// Draws a kinematic chain in a plane at several configurations: the start pose faint, the poses along the
/// trajectory light, the final pose bold, joints as circles, the end effector's path, the target and
/// (for planar arms) the reachable disc. Both axes share one scale, so angles and lengths look true.
struct PoseDrawing {
    /// A pose is the chain's points in order: base, each joint, end effector.
    typealias Pose = [(x: Double, y: Double)]

    var poses: [Pose]
    var target: (x: Double, y: Double)?
    /// Radius of the reachable disc around the first pose's base; nil draws none.
    var reach: Double?
    var axisNames: (String, String)
    var title: String

    /// At most this many poses are drawn between the start and the final one (evenly spaced along the
    /// trajectory), so that a long solve stays a readable, bounded picture; the effector path uses every pose.
    static let maxIntermediatePoses = 48

    static let plotSide = 440.0
    static let keyWidth = 120.0

    func render() -> String {
        let box = worldBox()
        let xTicks = Ticks.nice(lower: box.xLower, upper: box.xUpper)
        let yTicks = Ticks.nice(lower: box.yLower, upper: box.yUpper)
        let left = 24 + SVGWriter.yTickLabelSpace(yTicks) + 8
        let plot = PixelRect(x: left, y: 44, width: Self.plotSide, height: Self.plotSide)
        let xMap = LinearMap(lower: box.xLower, upper: box.xUpper, pixelStart: plot.x, pixelEnd: plot.maxX)
        let yMap = LinearMap(lower: box.yLower, upper: box.yUpper, pixelStart: plot.maxY, pixelEnd: plot.y)
        let pixelsPerUnit = Self.plotSide / (box.xUpper - box.xLower)
        let width = plot.maxX + 24 + Self.keyWidth
        var svg = SVGWriter(width: width, height: plot.maxY + 52, title: title)
        svg.axes(plot: plot, x: xMap, xTicks: xTicks, xTitle: axisNames.0, y: yMap, yTicks: yTicks, yTitle: axisNames.1)
        let toPixels = { (point: (x: Double, y: Double)) in (xMap.pixel(point.x), yMap.pixel(point.y)) }

        if let reach, let base = poses.first?.first, reach > 0, reach.isFinite, base.x.isFinite, base.y.isFinite {
            let (cx, cy) = toPixels(base)
            svg.circle(cx: cx, cy: cy, r: reach * pixelsPerUnit,
                       attributes: [("class", "workspace"), ("fill", "none"), ("stroke", "#969696"), ("stroke-dasharray", "6 4")],
                       tooltip: "reachable disc, radius " + NumberFormat.significant(reach))
        }
        let effectorPath = poses.compactMap(\.last).map(toPixels)
        if effectorPath.count > 1 {
            svg.polyline(effectorPath, attributes: [("class", "effector-path"), ("stroke", "#e6550d"),
                                                    ("stroke-width", "1.5"), ("stroke-dasharray", "3 3")])
        }
        for (role, pose) in drawnPoses() {
            draw(pose, as: role, into: &svg, toPixels: toPixels)
        }
        if let target, target.x.isFinite, target.y.isFinite {
            let (tx, ty) = toPixels(target)
            let label = "target (" + NumberFormat.significant(target.x, digits: 4) + ", " + NumberFormat.significant(target.y, digits: 4) + ")"
            svg.open("g", [("class", "target"), ("stroke", "#cb181d"), ("stroke-width", "2")])
            svg.circle(cx: tx, cy: ty, r: 7, attributes: [("fill", "none")], tooltip: label)
            svg.line(x1: tx - 10, y1: ty, x2: tx + 10, y2: ty, attributes: [])
            svg.line(x1: tx, y1: ty - 10, x2: tx, y2: ty + 10, attributes: [])
            svg.close("g")
            svg.text("target", x: tx + 10, y: ty - 10, attributes: [("fill", "#cb181d"), ("class", "target-label")])
        }
        drawKey(into: &svg, x: plot.maxX + 24, y: plot.y + 8)
        return svg.finished()
    }

    /// The role of a drawn pose, which decides its style.
    private enum Role: String {
        case start, step, final

        var stroke: String {
            switch self {
            case .start: "#969696"
            case .step: "#9ecae1"
            case .final: "#08519c"
            }
        }
        var linkWidth: Double { self == .final ? 5 : self == .start ? 3 : 2 }
        var jointRadius: Double { self == .final ? 5 : self == .start ? 4 : 2.5 }
    }

    /// Pose indices to draw: the first, up to `maxIntermediatePoses` evenly spaced ones, and the last.
    private func drawnPoses() -> [(Role, Pose)] {
        guard poses.count > 1 else { return poses.map { (.final, $0) } }
        let middle = poses.count - 2
        let steps: [Int]
        if middle <= Self.maxIntermediatePoses {
            steps = Array(stride(from: 1, through: middle, by: 1))
        } else {
            let spacing = Double(middle - 1) / Double(Self.maxIntermediatePoses - 1)
            steps = (0..<Self.maxIntermediatePoses).map { 1 + Int((Double($0) * spacing).rounded()) }
        }
        return [(.start, poses[0])] + steps.map { (.step, poses[$0]) } + [(.final, poses[poses.count - 1])]
    }

    private func draw(_ pose: Pose, as role: Role, into svg: inout SVGWriter, toPixels: ((x: Double, y: Double)) -> (Double, Double)) {
        let points = pose.map(toPixels)
        svg.open("g", [("class", "pose " + role.rawValue), ("stroke", role.stroke)])
        for (from, to) in zip(points, points.dropFirst()) where [from.0, from.1, to.0, to.1].allSatisfy(\.isFinite) {
            svg.line(x1: from.0, y1: from.1, x2: to.0, y2: to.1,
                     attributes: [("class", "link"), ("stroke-width", NumberFormat.coordinate(role.linkWidth)), ("stroke-linecap", "round")])
        }
        for (number, point) in points.enumerated() where point.0.isFinite && point.1.isFinite {
            let fill = role == .step ? role.stroke : "#ffffff"
            let tooltip = role == .final
                ? (number == 0 ? "base" : number == points.count - 1 ? "end effector" : "joint \(number)")
                    + " (" + NumberFormat.significant(pose[number].x, digits: 4) + ", " + NumberFormat.significant(pose[number].y, digits: 4) + ")"
                : nil
            svg.circle(cx: point.0, cy: point.1, r: role.jointRadius,
                       attributes: [("class", "joint"), ("fill", fill), ("stroke-width", "1.5")], tooltip: tooltip)
        }
        svg.close("g")
    }

    /// What the styles mean, right of the plot.
    private func drawKey(into svg: inout SVGWriter, x: Double, y: Double) {
        var entries: [(String, String, Double, String?)] = [
            ("start", Role.start.stroke, Role.start.linkWidth, nil),
            ("along the way", Role.step.stroke, Role.step.linkWidth, nil),
            ("final", Role.final.stroke, Role.final.linkWidth, nil),
            ("effector path", "#e6550d", 1.5, "3 3"),
        ]
        if reach != nil { entries.append(("reachable", "#969696", 1, "6 4")) }
        svg.open("g", [("class", "key")])
        for (row, entry) in entries.enumerated() {
            let rowY = y + Double(row) * 20
            var attributes = [("stroke", entry.1), ("stroke-width", NumberFormat.coordinate(entry.2))]
            if let dash = entry.3 { attributes.append(("stroke-dasharray", dash)) }
            svg.line(x1: x, y1: rowY, x2: x + 24, y2: rowY, attributes: attributes)
            svg.text(entry.0, x: x + 30, y: rowY + 4)
        }
        let targetY = y + Double(entries.count) * 20
        svg.circle(cx: x + 12, cy: targetY, r: 5, attributes: [("fill", "none"), ("stroke", "#cb181d"), ("stroke-width", "2")])
        svg.text("target", x: x + 30, y: targetY + 4)
        svg.close("g")
    }

    /// A square box (equal scales) holding every finite point, the target and the reachable disc, padded by 6 %.
    private func worldBox() -> (xLower: Double, xUpper: Double, yLower: Double, yUpper: Double) {
        var xs = poses.joined().map(\.x) + [target?.x].compactMap { $0 }
        var ys = poses.joined().map(\.y) + [target?.y].compactMap { $0 }
        if let reach, reach.isFinite, let base = poses.first?.first {
            xs += [base.x - reach, base.x + reach]
            ys += [base.y - reach, base.y + reach]
        }
        xs = xs.filter(\.isFinite)
        ys = ys.filter(\.isFinite)
        let (xLow, xHigh) = padded(xs.min() ?? -1, xs.max() ?? 1, fraction: 0.06)
        let (yLow, yHigh) = padded(ys.min() ?? -1, ys.max() ?? 1, fraction: 0.06)
        let half = max(xHigh - xLow, yHigh - yLow) / 2
        let (cx, cy) = ((xLow + xHigh) / 2, (yLow + yHigh) / 2)
        return (cx - half, cx + half, cy - half, cy + half)
    }
}
