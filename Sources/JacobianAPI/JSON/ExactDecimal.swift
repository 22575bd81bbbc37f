/// Clinger's exact fast path for reading a decimal number: w × 10^e is one correctly rounded IEEE operation when
/// the significand w and the power 10^|e| are both exact doubles, i.e. w ≤ 2^53 and |e| ≤ 22 (10^22 is the largest
/// power of ten a double holds exactly). Then `Double(w)` is exact and the product or quotient is rounded once,
/// to nearest, which is what strtod's correctly rounded answer is by definition.
///
/// Everything else (more digits, larger exponents: about a quarter of the 16–17 digit numbers NumPy or Python
/// print) answers nil, and the parser asks strtod: this is a shortcut, never an approximation. Most numbers of a
/// batch request take it, so glibc's multi-precision reader runs for the rest only.
enum ExactDecimal {
    /// The largest significand read exactly into a double.
    static let maxSignificand: UInt64 = 1 << 53

    /// 10^0 … 10^22, each exact as a double.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The double nearest to ±`significand` × 10^`exponent`, when the fast path applies; nil otherwise.
    /// A zero significand is ±0 whatever the exponent (the sign kept: "-0.0" reads as negative zero).
    @inline(__always)
    static func value(significand: UInt64, exponent: Int, negative: Bool) -> Double? {
        if significand == 0 { return negative ? -0.0 : 0.0 }
        guard significand <= maxSignificand, exponent >= -22, exponent <= 22 else { return nil }
        let magnitude = exponent >= 0
            ? Double(significand) * powersOfTen[exponent]
            : Double(significand) / powersOfTen[-exponent]
        return negative ? -magnitude : magnitude
    }

    /// The value of eight ASCII digits loaded little-endian (the first digit in the low byte), or nil when any
    /// byte is not a digit: SWAR, three multiplications instead of eight steps (as fast_float does).
    @inline(__always)
    static func eightDigits(_ word: UInt64) -> UInt64? {
        // A byte is a digit when neither adding 0x46 nor subtracting 0x30 sets its high bit.
        guard ((word &+ 0x4646_4646_4646_4646) | (word &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080 == 0 else {
            return nil
        }
        var value = word &- 0x3030_3030_3030_3030
        value = (value &* 10) &+ (value >> 8)  // Pairs of digits in every other byte.
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        value = (((value & mask) &* 0x000F_4240_0000_0064) &+ (((value >> 16) & mask) &* 0x0000_2710_0000_0001)) >> 32
        return value & 0xFFFF_FFFF
    }
}
