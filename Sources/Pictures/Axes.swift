import Foundation

/// A rectangle in picture pixels.
struct PixelRect {
    var x: Double
    var y: Double
    var width: Double
    var height: Double
    var maxX: Double { x + width }
    var maxY: Double { y + height }
}

/// An interval of data values mapped onto a pixel interval (flipped for y, where pixels grow downwards).
struct LinearMap {
    var lower: Double
    var upper: Double
    var pixelStart: Double
    var pixelEnd: Double

    func pixel(_ value: Double) -> Double {
        pixelStart + (value - lower) / (upper - lower) * (pixelEnd - pixelStart)
    }
}

/// One labelled tick on an axis: where (in data units along the axis's map) and what to print.
struct Tick {
    var value: Double
    var label: String
}

enum Ticks {
    /// About `target` round ticks (steps of 1, 2 or 5 × 10^k) inside `lower...upper`.
    static func nice(lower: Double, upper: Double, target: Int = 6) -> [Tick] {
        guard lower.isFinite, upper.isFinite, upper > lower else { return [] }
        let step = niceStep((upper - lower) / Double(max(1, target)))
        guard step.isFinite, step > 0 else { return [] }
        let first = (lower / step).rounded(.up)
        let last = (upper / step).rounded(.down)
        guard last >= first, last - first <= 1000 else { return [] }
        return stride(from: first, through: last, by: 1).map { index in
            let value = index * step
            return Tick(value: value, label: NumberFormat.tick(value, step: step))
        }
    }

    /// The smallest of 1, 2, 5 × 10^k not below `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough.isFinite, rough > 0 else { return 1 }
        let power = pow(10, floor(log10(rough)))
        for factor in [1.0, 2, 5, 10] where factor * power >= rough * (1 - 1e-12) {
            return factor * power
        }
        return 10 * power
    }

    /// Ticks for an axis showing log10 values `lowerDecade...upperDecade` (integers): at powers of ten whose
    /// exponent is a multiple of `ceil(decades / maxLabels)`, so that at most about `maxLabels` labels appear
    /// and they fall on round exponents (1e-10, 1e-8, ...); when the axis spans
    /// two decades or less, also at 2 and 5 times each power so that it keeps enough landmarks.
    static func decades(lowerDecade: Int, upperDecade: Int, maxLabels: Int = 8) -> [Tick] {
        let span = upperDecade - lowerDecade
        guard span >= 0 else { return [] }
        let every = max(1, (span + maxLabels - 1) / maxLabels)
        let multiples: [Double] = span <= 2 ? [1, 2, 5] : [1]
        return stride(from: lowerDecade, through: upperDecade, by: 1)
            .filter { $0 % every == 0 }
            .flatMap { decade in
                multiples.map { Tick(value: Double(decade) + log10($0), label: NumberFormat.significant($0 * pow(10, Double(decade)))) }
            }
            .filter { $0.value <= Double(upperDecade) }
    }
}

/// The interval `lower...upper` grown by `fraction` of its span on both sides; a single value becomes a unit-wide
/// (or 10 %-of-magnitude-wide) interval around it so that every map stays invertible.
func padded(_ lower: Double, _ upper: Double, fraction: Double) -> (Double, Double) {
    let span = upper - lower
    if span > 0, span.isFinite {
        return (lower - span * fraction, upper + span * fraction)
    }
    let half = max(1, abs(lower) * 0.1)
    return (lower - half, upper + half)
}

extension SVGWriter {
    /// Pixels between the plot's left edge and the baseline of the vertical axis title: tick marks, the widest tick
    /// label and a gap. A picture's left margin is this plus about 24 px.
    static func yTickLabelSpace(_ ticks: [Tick]) -> Double {
        let widest = ticks.map { XMLText.estimatedWidth($0.label, fontSize: fontSize) }.max() ?? 0
        return 8 + widest + 8
    }

    /// Frame, light grid lines, tick marks, tick labels and the two axis titles around `plot`.
    mutating func axes(plot: PixelRect, x: LinearMap, xTicks: [Tick], xTitle: String,
                       y: LinearMap, yTicks: [Tick], yTitle: String) {
        open("g", [("class", "axes"), ("stroke-width", "1")])
        for tick in xTicks {
            let px = x.pixel(tick.value)
            guard px.isFinite, px >= plot.x - 0.5, px <= plot.maxX + 0.5 else { continue }
            line(x1: px, y1: plot.y, x2: px, y2: plot.maxY, attributes: [("stroke", "#e6e6e6")])
            line(x1: px, y1: plot.maxY, x2: px, y2: plot.maxY + 5, attributes: [("stroke", "#444444")])
            text(tick.label, x: px, y: plot.maxY + 17, attributes: [("text-anchor", "middle"), ("class", "tick x")])
        }
        for tick in yTicks {
            let py = y.pixel(tick.value)
            guard py.isFinite, py >= plot.y - 0.5, py <= plot.maxY + 0.5 else { continue }
            line(x1: plot.x, y1: py, x2: plot.maxX, y2: py, attributes: [("stroke", "#e6e6e6")])
            line(x1: plot.x - 5, y1: py, x2: plot.x, y2: py, attributes: [("stroke", "#444444")])
            text(tick.label, x: plot.x - 8, y: py + 4, attributes: [("text-anchor", "end"), ("class", "tick y")])
        }
        rect(x: plot.x, y: plot.y, width: plot.width, height: plot.height,
             attributes: [("fill", "none"), ("stroke", "#444444")])
        close("g")
        let titleFont = NumberFormat.coordinate(SVGWriter.fontSize + 1)
        text(XMLText.truncated(xTitle, to: 40), x: plot.x + plot.width / 2, y: plot.maxY + 38,
             attributes: [("text-anchor", "middle"), ("font-size", titleFont), ("class", "axis-title x")], tooltip: xTitle)
        let yTitleX = plot.x - SVGWriter.yTickLabelSpace(yTicks) - 6
        verticalText(XMLText.truncated(yTitle, to: 40), x: yTitleX, y: plot.y + plot.height / 2,
                     attributes: [("text-anchor", "middle"), ("font-size", titleFont), ("class", "axis-title y")], tooltip: yTitle)
    }
}
