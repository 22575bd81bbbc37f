import Foundation

extension SVGPlot {
    /// The residual norm ‖F(xₖ)‖ against the iteration k on a log10 vertical axis: how a solve in any
    /// dimension converged (quadratic convergence shows as a steepening curve).
    ///
    /// The vertical axis spans whole decades around the positive norms, labelled "1e-k" (every few decades when
    /// there are many). A norm of exactly zero cannot sit on a log axis: it is drawn as a hollow triangle on the
    /// bottom edge, one decade under the smallest positive norm, and the line goes down to it. Non-finite norms
    /// are skipped. A single point is drawn alone; all-zero norms use the decades 1e-1 to 1e1.
    ///
    /// - Parameters:
    ///   - norms: ‖F‖ at each iteration, the start first.
    ///   - title: shown at the top and as the document's `<title>`.
    public static func residualPlot(norms: [Double], title: String) -> String {
        let positives = norms.filter { $0.isFinite && $0 > 0 }
        let hasZero = norms.contains(0)
        var lowerDecade = Int(floor(log10(positives.min() ?? 1)))
        var upperDecade = Int(ceil(log10(positives.max() ?? 1)))
        if positives.isEmpty { (lowerDecade, upperDecade) = (-1, 1) }
        if upperDecade == lowerDecade { upperDecade += 1 }
        if hasZero, !positives.isEmpty { lowerDecade -= 1 }
        let floorValue = Double(lowerDecade)

        let yTicks = Ticks.decades(lowerDecade: lowerDecade, upperDecade: upperDecade)
        let lastIteration = Double(max(0, norms.count - 1))
        let xLower = -0.5, xUpper = max(lastIteration + 0.5, 1)
        let xTicks = Ticks.nice(lower: xLower, upper: xUpper, target: 8).filter { $0.value == $0.value.rounded() }
        let plot = PixelRect(x: 24 + SVGWriter.yTickLabelSpace(yTicks) + 8, y: 44, width: 480, height: 320)
        let xMap = LinearMap(lower: xLower, upper: xUpper, pixelStart: plot.x, pixelEnd: plot.maxX)
        let yMap = LinearMap(lower: Double(lowerDecade), upper: Double(upperDecade), pixelStart: plot.maxY, pixelEnd: plot.y)

        var svg = SVGWriter(width: plot.maxX + 24, height: plot.maxY + 52, title: title)
        svg.axes(plot: plot, x: xMap, xTicks: xTicks, xTitle: "iteration", y: yMap, yTicks: yTicks, yTitle: "‖F‖ (log scale)")
        let points: [(iteration: Int, norm: Double, pixel: (Double, Double))] = norms.enumerated().compactMap { iteration, norm in
            guard norm.isFinite, norm >= 0 else { return nil }
            let level = norm > 0 ? log10(norm) : floorValue
            return (iteration, norm, (xMap.pixel(Double(iteration)), yMap.pixel(level)))
        }
        svg.polyline(points.map(\.pixel), attributes: [("class", "residuals"), ("stroke", "#2166ac"), ("stroke-width", "2")])
        svg.open("g", [("class", "markers"), ("stroke", "#2166ac")])
        for point in points where points.count <= 500 {
            let tooltip = "iteration \(point.iteration): " + (point.norm > 0 ? NumberFormat.exact(point.norm) : "exactly 0")
            if point.norm > 0 {
                svg.circle(cx: point.pixel.0, cy: point.pixel.1, r: 3,
                           attributes: [("class", "residual"), ("fill", "#2166ac")], tooltip: tooltip)
            } else {
                let (x, y) = point.pixel
                let triangle = [(x - 5, y - 9), (x + 5, y - 9), (x, y)]
                    .map { NumberFormat.coordinate($0.0) + "," + NumberFormat.coordinate($0.1) }.joined(separator: " ")
                svg.open("polygon", [("class", "residual zero"), ("points", triangle), ("fill", "#ffffff")])
                svg.titleElement(tooltip)
                svg.close("polygon")
            }
        }
        svg.close("g")
        return svg.finished()
    }
}
