/// A color as 8-bit sRGB channels, written as `#rrggbb`.
struct RGB: Equatable {
    var red: Double
    var green: Double
    var blue: Double

    init(_ hex: UInt32) {
        red = Double((hex >> 16) & 0xFF)
        green = Double((hex >> 8) & 0xFF)
        blue = Double(hex & 0xFF)
    }

    init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    static let white = RGB(0xFFFFFF)
    /// The fill of a cell whose value is NaN or infinite: a neutral grey that no scale below produces.
    static let missing = RGB(0xBDBDBD)

    /// `#rrggbb`, each channel rounded and clamped to 0...255. On the heatmap's hot path (one call per cell),
    /// hence the table of two-digit strings rather than per-call formatting.
    var hex: String {
        "#" + Self.byteHex[Self.byte(red)] + Self.byteHex[Self.byte(green)] + Self.byteHex[Self.byte(blue)]
    }

    private static func byte(_ channel: Double) -> Int {
        guard channel.isFinite else { return 0 }
        return Int(min(255, max(0, channel.rounded())))
    }

    private static let byteHex: [String] = (0...255).map { value in
        let digits = Array("0123456789abcdef")
        return String([digits[value >> 4], digits[value & 0xF]])
    }

    /// Perceived lightness proxy (Rec. 709 luma on the sRGB values), to choose black or white text over a fill.
    var luma: Double { 0.2126 * red + 0.7152 * green + 0.0722 * blue }

    /// Linear interpolation channel by channel; `t` in 0...1.
    func mixed(with other: RGB, _ t: Double) -> RGB {
        RGB(
            red: red + (other.red - red) * t,
            green: green + (other.green - green) * t,
            blue: blue + (other.blue - blue) * t
        )
    }
}

/// A piecewise-linear color ramp over evenly spaced stops, parameter `t` in 0...1.
/// When every channel of the stops is monotone, so is every channel of the ramp: the tests rely on it.
struct ColorRamp {
    let stops: [RGB]

    func color(at t: Double) -> RGB {
        guard t.isFinite else { return .missing }
        let clamped = min(1, max(0, t))
        let position = clamped * Double(stops.count - 1)
        let index = min(stops.count - 2, Int(position))
        return stops[index].mixed(with: stops[index + 1], position - Double(index))
    }

    /// ColorBrewer RdBu (11 classes), red half: white, then darker reds. The brewer centre #f7f7f7 is replaced by
    /// pure white so that exactly zero reads as "no effect".
    static let reds = ColorRamp(stops: [.white, RGB(0xFDDBC7), RGB(0xF4A582), RGB(0xD6604D), RGB(0xB2182B), RGB(0x67001F)])
    /// ColorBrewer RdBu (11 classes), blue half, from white to the darkest blue.
    static let blues = ColorRamp(stops: [.white, RGB(0xD1E5F0), RGB(0x92C5DE), RGB(0x4393C3), RGB(0x2166AC), RGB(0x053061)])
    /// ColorBrewer YlGnBu (9 classes), light yellow for small values to dark blue for large ones: the shading
    /// behind Newton trajectories, where the eye should be drawn to the light basin around a root.
    static let yellowGreenBlue = ColorRamp(stops: [
        RGB(0xFFFFD9), RGB(0xEDF8B1), RGB(0xC7E9B4), RGB(0x7FCDBB), RGB(0x41B6C4),
        RGB(0x1D91C0), RGB(0x225EA8), RGB(0x253494), RGB(0x081D58),
    ])
}

/// How a value becomes a color in a heatmap.
enum HeatmapScale {
    /// Signed values, symmetric around zero: -bound is darkest blue, 0 is white, +bound is darkest red
    /// (ColorBrewer RdBu reversed, safe for the common forms of color blindness).
    case diverging(bound: Double)
    /// Non-negative magnitudes: 0 is white, `bound` is darkest red (the red half of the same scale).
    case magnitude(bound: Double)

    func color(for value: Double) -> RGB {
        guard value.isFinite else { return .missing }
        switch self {
        case .diverging(let bound):
            guard bound > 0 else { return .white }
            let t = value / bound
            return t < 0 ? ColorRamp.blues.color(at: -t) : ColorRamp.reds.color(at: t)
        case .magnitude(let bound):
            guard bound > 0 else { return .white }
            return ColorRamp.reds.color(at: max(0, value) / bound)
        }
    }
}
