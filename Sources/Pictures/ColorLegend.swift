/// A vertical color bar: what a heatmap's or a shaded plot's colors mean.
struct ColorLegend {
    /// A labelled position on the bar: `position` 0 is the bottom, 1 the top; `exactValue` (when present) is
    /// written to a `data-value` attribute so that tests and scripts can read the scale's extremes exactly.
    struct Mark {
        var position: Double
        var label: String
        var exactValue: Double?
    }

    /// Color at a position 0...1 along the bar.
    var color: (Double) -> RGB
    var marks: [Mark]
    var caption: String

    /// Width the legend needs to the right of its left edge: bar, tick labels and margin.
    static let barWidth = 14.0
    static let bands = 64

    func width() -> Double {
        let widest = marks.map { XMLText.estimatedWidth($0.label, fontSize: SVGWriter.fontSize) }.max() ?? 0
        let captionWidth = XMLText.estimatedWidth(XMLText.truncated(caption, to: 28), fontSize: SVGWriter.fontSize)
        return max(Self.barWidth + 6 + widest, captionWidth) + 8
    }

    /// Draws the bar with its top-left corner at (`x`, `y`), `height` pixels tall, caption above it.
    func draw(into writer: inout SVGWriter, x: Double, y: Double, height: Double) {
        writer.open("g", [("class", "legend"), ("shape-rendering", "crispEdges")])
        writer.text(XMLText.truncated(caption, to: 28), x: x, y: y - 14, attributes: [("class", "legend-caption")], tooltip: caption)
        // Stacked bands instead of a <linearGradient>: a gradient needs an id and a url(#id) reference, and ids
        // collide when two pictures are inlined in the same page.
        let bandHeight = height / Double(Self.bands)
        for band in 0..<Self.bands {
            let t = (Double(band) + 0.5) / Double(Self.bands)
            let top = y + height - Double(band + 1) * bandHeight
            writer.rect(x: x, y: top, width: Self.barWidth, height: bandHeight,
                        attributes: [("fill", color(t).hex), ("stroke", "none")])
        }
        writer.rect(x: x, y: y, width: Self.barWidth, height: height, attributes: [("fill", "none"), ("stroke", "#444444")])
        for mark in marks {
            let py = y + height - mark.position * height
            writer.line(x1: x + Self.barWidth, y1: py, x2: x + Self.barWidth + 4, y2: py, attributes: [("stroke", "#444444")])
            var attributes = [("class", "legend-label")]
            if let exact = mark.exactValue { attributes.append(("data-value", NumberFormat.exact(exact))) }
            writer.text(mark.label, x: x + Self.barWidth + 6, y: py + 4, attributes: attributes)
        }
        writer.close("g")
    }
}
