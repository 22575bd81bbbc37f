import Foundation

extension SVGPlot {
    /// Side of the shaded background grid: `fieldGridSide`² evaluations of the field closure.
    public static let fieldGridSide = 60

    /// The iterates of a solver in the plane, connected in order, over an optional shaded map of ‖F‖.
    ///
    /// The view is the iterates' bounding box padded by 10 % on each side (a single point, or a flat box, gets a
    /// unit or 10 % margin). When `field` is given it is called once at the centre of each cell of a 60×60 grid
    /// over that box, never outside it, and each cell is shaded by log10 of the value on the sequential ColorBrewer
    /// YlGnBu scale (light near a root, dark where ‖F‖ is large); zeros take the lightest color, NaN or infinite
    /// values are grey. The iterates are joined by a polyline, each marked by a dot, the start by a large hollow
    /// circle labelled "start" and the last point by a large black dot labelled "last".
    ///
    /// - Parameters:
    ///   - points: the iterates in order; only the first two coordinates are used (missing ones are 0),
    ///     non-finite iterates are skipped.
    ///   - field: ‖F‖ at a point, or nil for a plain background.
    ///   - axisLabels: names of the horizontal and vertical coordinates ("x[0]", "x[1]" when missing).
    ///   - title: shown at the top and as the document's `<title>`.
    public static func trajectory2D(points: [[Double]], field: ((Double, Double) -> Double)?, axisLabels: [String], title: String) -> String {
        let iterates = points.map { (x: $0.count > 0 ? $0[0] : 0, y: $0.count > 1 ? $0[1] : 0) }
            .filter { $0.x.isFinite && $0.y.isFinite }
        let (xLower, xUpper) = padded(iterates.map(\.x).min() ?? -1, iterates.map(\.x).max() ?? 1, fraction: 0.1)
        let (yLower, yUpper) = padded(iterates.map(\.y).min() ?? -1, iterates.map(\.y).max() ?? 1, fraction: 0.1)
        let xTicks = Ticks.nice(lower: xLower, upper: xUpper)
        let yTicks = Ticks.nice(lower: yLower, upper: yUpper)
        let plot = PixelRect(x: 24 + SVGWriter.yTickLabelSpace(yTicks) + 8, y: 44, width: 460, height: 400)
        let xMap = LinearMap(lower: xLower, upper: xUpper, pixelStart: plot.x, pixelEnd: plot.maxX)
        let yMap = LinearMap(lower: yLower, upper: yUpper, pixelStart: plot.maxY, pixelEnd: plot.y)

        let shading = field.map { FieldShading(field: $0, xRange: (xLower, xUpper), yRange: (yLower, yUpper), side: fieldGridSide) }
        let legend = shading?.legend()
        let width = plot.maxX + 24 + (legend?.width() ?? 0) + 12
        var svg = SVGWriter(width: width, height: plot.maxY + 52, title: title)
        shading?.draw(into: &svg, plot: plot)
        let names = (axisLabels.count > 0 ? axisLabels[0] : "x[0]", axisLabels.count > 1 ? axisLabels[1] : "x[1]")
        svg.axes(plot: plot, x: xMap, xTicks: xTicks, xTitle: names.0, y: yMap, yTicks: yTicks, yTitle: names.1)
        legend?.draw(into: &svg, x: plot.maxX + 24, y: plot.y + 16, height: plot.height - 16)

        let pixels = iterates.map { (xMap.pixel($0.x), yMap.pixel($0.y)) }
        // A white halo under the path keeps it visible over the darkest shading.
        svg.polyline(pixels, attributes: [("stroke", "#ffffff"), ("stroke-width", "4"), ("stroke-opacity", "0.8")])
        svg.polyline(pixels, attributes: [("class", "trajectory"), ("stroke", "#d7301f"), ("stroke-width", "2")])
        let showDots = pixels.count <= 200
        svg.open("g", [("class", "iterates"), ("fill", "#d7301f")])
        for (index, point) in pixels.enumerated() where showDots {
            let tooltip = "iterate \(index) (" + NumberFormat.significant(iterates[index].x, digits: 6) + ", "
                + NumberFormat.significant(iterates[index].y, digits: 6) + ")"
            svg.circle(cx: point.0, cy: point.1, r: 3, attributes: [("class", "iterate")], tooltip: tooltip)
        }
        svg.close("g")
        if let first = pixels.first, let last = pixels.last {
            svg.circle(cx: first.0, cy: first.1, r: 7, attributes: [("class", "start"), ("fill", "#ffffff"), ("fill-opacity", "0.6"),
                                                                    ("stroke", "#000000"), ("stroke-width", "2")])
            svg.text("start", x: first.0 + 9, y: first.1 - 9, attributes: [("class", "start-label"), ("font-weight", "bold")])
            svg.circle(cx: last.0, cy: last.1, r: 6, attributes: [("class", "last"), ("fill", "#000000"),
                                                                  ("stroke", "#ffffff"), ("stroke-width", "1.5")])
            svg.text("last", x: last.0 + 9, y: last.1 + 16, attributes: [("class", "last-label"), ("font-weight", "bold")])
        }
        return svg.finished()
    }
}

/// The shaded background of a trajectory plot: log10 ‖F‖ sampled on a grid.
struct FieldShading {
    /// log10 of each sample, row 0 at the top (largest y); nil where the value was not finite.
    let logValues: [[Double?]]
    let lowest: Double
    let highest: Double

    init(field: (Double, Double) -> Double, xRange: (Double, Double), yRange: (Double, Double), side: Int) {
        let dx = (xRange.1 - xRange.0) / Double(side)
        let dy = (yRange.1 - yRange.0) / Double(side)
        let raw: [[Double]] = (0..<side).map { row in
            let y = yRange.1 - (Double(row) + 0.5) * dy
            return (0..<side).map { column in field(xRange.0 + (Double(column) + 0.5) * dx, y) }
        }
        let positives = raw.joined().filter { $0.isFinite && $0 > 0 }
        let lowest = log10(positives.min() ?? 1)
        let highest = log10(positives.max() ?? 1)
        // |F| is a norm: zero (a root under a sample) takes the lightest color, negatives are treated as magnitudes.
        logValues = raw.map { row in
            row.map { value in
                guard value.isFinite else { return nil }
                return value == 0 ? lowest : log10(abs(value))
            }
        }
        self.lowest = lowest
        self.highest = highest
    }

    /// Position 0...1 of a log value on the color scale.
    private func position(_ logValue: Double) -> Double {
        highest > lowest ? (logValue - lowest) / (highest - lowest) : 0.5
    }

    func draw(into svg: inout SVGWriter, plot: PixelRect) {
        let side = logValues.count
        let origin = "translate(\(NumberFormat.coordinate(plot.x)) \(NumberFormat.coordinate(plot.y)))"
        let zoom = "scale(\(NumberFormat.coordinate(plot.width / Double(side))) \(NumberFormat.coordinate(plot.height / Double(side))))"
        svg.open("g", [("class", "field"), ("transform", origin + " " + zoom), ("shape-rendering", "crispEdges")])
        for (row, values) in logValues.enumerated() {
            var line = ""
            for (column, value) in values.enumerated() {
                let color = value.map { ColorRamp.yellowGreenBlue.color(at: position($0)) } ?? .missing
                line += "<rect x=\"\(column)\" y=\"\(row)\" width=\"1\" height=\"1\" fill=\"\(color.hex)\"/>"
            }
            svg.appendTrusted(line + "\n")
        }
        svg.close("g")
    }

    /// Color bar labelled at whole decades (or at its two ends when it spans less than one).
    func legend() -> ColorLegend {
        var marks: [ColorLegend.Mark] = []
        let firstDecade = Int(lowest.rounded(.up)), lastDecade = Int(highest.rounded(.down))
        if highest > lowest, lastDecade >= firstDecade {
            marks = Ticks.decades(lowerDecade: firstDecade, upperDecade: lastDecade)
                .map { .init(position: position($0.value), label: $0.label, exactValue: nil) }
        }
        if marks.count < 2 {
            marks = [.init(position: position(lowest), label: NumberFormat.significant(pow(10, lowest)), exactValue: nil),
                     .init(position: position(highest), label: NumberFormat.significant(pow(10, highest)), exactValue: nil)]
            if highest == lowest { marks = [marks[0]] }
        }
        return ColorLegend(color: { ColorRamp.yellowGreenBlue.color(at: $0) }, marks: marks, caption: "‖F‖ (log scale)")
    }
}
