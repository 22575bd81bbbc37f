extension SVGPlot {
    /// An input image beside its saliency map, both H×W grids of square cells: the image in grey (black = its
    /// minimum, white = its maximum), the saliency |∂score/∂pixel| from white (0) to dark red (its maximum).
    /// Each cell's exact value is in a `data-value` attribute. Non-finite entries are drawn grey. Grids larger
    /// than `heatmapEntryLimit` cells are not drawn cell by cell; the picture says so instead.
    public static func saliency(image: [[Double]], saliency: [[Double]], title: String, caption: String) -> String {
        let rows = image.count, columns = image.first?.count ?? 0
        let cells = rows * columns
        let cell = max(3, min(24, 320 / Double(max(rows, columns, 1))))
        let panel = cell * Double(max(columns, 1)), margin = 20.0, top = 56.0
        let width = 3 * margin + 2 * panel, height = top + cell * Double(max(rows, 1)) + 50
        var svg = SVGWriter(width: width, height: height, title: title)
        svg.text("input", x: margin, y: top - 8, attributes: [("font-size", "12")])
        svg.text("saliency |∂score/∂pixel|", x: 2 * margin + panel, y: top - 8, attributes: [("font-size", "12")])
        svg.text(caption, x: margin, y: height - 18, attributes: [("font-size", "12")])
        guard cells <= heatmapEntryLimit else {
            svg.text("\(rows)×\(columns) is too large to draw", x: margin, y: top + 20)
            return svg.finished()
        }
        func draw(_ grid: [[Double]], x0: Double, color: (Double) -> String) {
            for (i, row) in grid.enumerated() {
                for (j, value) in row.enumerated() {
                    svg.rect(x: x0 + Double(j) * cell, y: top + Double(i) * cell, width: cell, height: cell, attributes: [
                        ("fill", value.isFinite ? color(value) : "#bdbdbd"),
                        ("data-value", value.isFinite ? value.description : "null"),
                    ])
                }
            }
        }
        let pixels = image.joined().filter(\.isFinite)
        let low = pixels.min() ?? 0, span = max((pixels.max() ?? 0) - low, 1e-300)
        draw(image, x0: margin) { value in
            let level = Int(((value - low) / span * 255).rounded())
            return "rgb(\(level),\(level),\(level))"
        }
        let peak = max(saliency.joined().filter(\.isFinite).max() ?? 0, 1e-300)
        draw(saliency, x0: 2 * margin + panel) { value in
            let t = min(max(value / peak, 0), 1)
            // White to dark red (#67000d), the magnitude half of the heatmaps' RdBu scale.
            return "rgb(\(Int(255 - t * (255 - 103))),\(Int(255 - t * 255)),\(Int(255 - t * (255 - 13))))"
        }
        return svg.finished()
    }
}
