import Foundation

/// The three ways numbers are written into a picture.
enum NumberFormat {
    /// A coordinate in pixels, rounded to 0.01 px: more digits change nothing on screen and cost bytes.
    /// Non-finite values become 0 so that no "nan" ever reaches the SVG (callers filter them first).
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded(), abs(rounded) < 1e15 {
            return String(Int64(rounded))
        }
        return rounded.description
    }

    /// The exact value, as the shortest text that reads back to the same `Double` (Swift's `description`).
    /// Non-finite values are spelled as in JavaScript so that a browser script can `Number()` them.
    static func exact(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return value.description
    }

    /// A short human reading of `value` with `digits` significant digits, like C's `%.3g` but with trailing zeros
    /// trimmed: "0.822", "-0.0233", "1.5", "12300", "1.23e-5", "4.56e7" (positional from 0.001 to 99999,
    /// scientific outside). Used for legends, tick labels on log axes and values shown in cells.
    static func significant(_ value: Double, digits: Int = 3) -> String {
        precondition(digits >= 1, "at least one significant digit")
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-∞" : "∞" }
        if value == 0 { return "0" }
        var exponent = Int(floor(log10(abs(value))))
        var mantissa = scaledMantissa(abs(value), exponent: exponent, digits: digits)
        // log10 may land a hair off an exact power of ten, and rounding to `digits` digits can carry into the next
        // power (0.9996 -> 1.00): bring the mantissa back to exactly `digits` digits.
        if mantissa < pow(10, Double(digits - 1)) {
            exponent -= 1
            mantissa = scaledMantissa(abs(value), exponent: exponent, digits: digits)
        }
        if mantissa >= pow(10, Double(digits)) {
            exponent += 1
            mantissa = (mantissa / 10).rounded()
        }
        let sign = value < 0 ? "-" : ""
        if exponent >= -3 && exponent < 5 {
            return sign + decimal(mantissa: mantissa, scale: exponent - digits + 1)
        }
        let mantissaText = decimal(mantissa: mantissa, scale: 1 - digits)
        return sign + mantissaText + "e" + String(exponent)
    }

    /// A tick label for a value on a grid of spacing `step`: as many decimals as the step needs, no more, so that
    /// ticks read "0.2", "0.4" and never "0.30000000000000004".
    static func tick(_ value: Double, step: Double) -> String {
        guard value.isFinite, step.isFinite, step > 0 else { return significant(value) }
        if abs(value) < step * 1e-9 { return "0" }
        if abs(value) >= 1e6 || abs(value) < 1e-4 { return significant(value, digits: 4) }
        let decimals = max(0, -Int(floor(log10(step) + 1e-9)))
        let scale = pow(10, Double(decimals))
        let sign = value < 0 ? "-" : ""
        return sign + decimal(mantissa: (abs(value) * scale).rounded(), scale: -decimals)
    }

    /// `magnitude` / 10^(exponent - digits + 1), rounded. The power is applied in two halves so that neither
    /// overflows nor underflows at the ends of the Double range (5e-324 needs 10^326).
    private static func scaledMantissa(_ magnitude: Double, exponent: Int, digits: Int) -> Double {
        let shift = digits - 1 - exponent
        let half = shift / 2
        return (magnitude * pow(10, Double(half)) * pow(10, Double(shift - half))).rounded()
    }

    /// Writes the integer `mantissa` times 10^`scale` in positional notation, trailing fractional zeros removed.
    private static func decimal(mantissa: Double, scale: Int) -> String {
        let digits = String(UInt64(mantissa))
        if scale >= 0 {
            return digits + String(repeating: "0", count: scale)
        }
        let fractionLength = -scale
        let padded = String(repeating: "0", count: max(0, fractionLength + 1 - digits.count)) + digits
        let integerPart = padded.dropLast(fractionLength)
        var fraction = Substring(padded.suffix(fractionLength))
        while fraction.last == "0" { fraction = fraction.dropLast() }
        return fraction.isEmpty ? String(integerPart) : integerPart + "." + fraction
    }
}
