/// Clinger's exact fast path for reading a decimal number: w × 10^e is one correctly rounded IEEE operation when
/// the significand w and the power 10^|e| are both exact doubles, i.e. w ≤ 2^53 and |e| ≤ 22 (10^22 is the largest
/// power of ten a double holds exactly). Then `Double(w)` is exact and the product or quotient is rounded once,
/// to nearest, which is what strtod's correctly rounded answer is by definition.
///
/// Beyond it, up to |e| ≤ 27, `wide` rounds w × 10^e exactly in integer arithmetic (the 17-digit numbers that
/// Python and NumPy print for a quarter of random doubles have w > 2^53). Everything else (more than 19 digits,
/// larger exponents) answers nil, and the parser asks strtod: these are shortcuts, never approximations.
enum ExactDecimal {
    /// The largest significand read exactly into a double.
    static let maxSignificand: UInt64 = 1 << 53

    /// 10^0 … 10^22, each exact as a double.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The double nearest to ±`significand` × 10^`exponent` when one of the two paths takes it; nil otherwise.
    /// A zero significand is ±0 whatever the exponent (the sign kept: "-0.0" reads as negative zero).
    @inline(__always)
    static func value(significand: UInt64, exponent: Int, negative: Bool) -> Double? {
        if significand == 0 { return negative ? -0.0 : 0.0 }
        let magnitude: Double
        if significand <= maxSignificand, exponent >= -22, exponent <= 22 {
            magnitude = exponent >= 0
                ? Double(significand) * powersOfTen[exponent]
                : Double(significand) / powersOfTen[-exponent]
        } else if exponent >= -maxWideExponent, exponent <= maxWideExponent {
            magnitude = wide(significand, exponent)
        } else {
            return nil
        }
        return negative ? -magnitude : magnitude
    }

    /// The largest |exponent| `wide` takes: 5^27 is the largest power of five below 2^63.
    static let maxWideExponent = 27

    /// 5^0 … 5^27.
    private static let powersOfFive: [UInt64] = (0...maxWideExponent).map { power in
        (0..<power).reduce(1) { product, _ in product * 5 }
    }

    /// w × 10^e correctly rounded for any 64-bit w and |e| ≤ 27, in integer arithmetic: 10^e = 5^e × 2^e, and
    /// 5^|e| fits in 64 bits, so the product w × 5^e (e ≥ 0) is an exact 128-bit integer, and the quotient
    /// w × 2^s / 5^|e| (e < 0) an exact 64-bit integer with a remainder; either is rounded once to 53 bits, half
    /// to even, the remainder counting as the bits below. This covers the 17-digit numbers of a batch, which
    /// Clinger's path cannot take (w > 2^53), without strtod's multi-precision reader.
    static func wide(_ significand: UInt64, _ exponent: Int) -> Double {
        let power = powersOfFive[abs(exponent)]
        if exponent >= 0 {
            let product = UInt128(significand) * UInt128(power)
            return rounded(product, inexactBelow: false, timesTwoTo: exponent)
        }
        // A shift that makes the quotient at least 2^55 (53 bits, a rounding bit and one more) and below 2^64.
        let significandBits = UInt64.bitWidth - significand.leadingZeroBitCount
        let powerBits = UInt64.bitWidth - power.leadingZeroBitCount
        let shift = max(0, 56 + powerBits - significandBits)
        let dividend = UInt128(significand) << shift
        let (quotient, remainder) = power.dividingFullWidth(
            (high: UInt64(truncatingIfNeeded: dividend >> 64), low: UInt64(truncatingIfNeeded: dividend)))
        return rounded(UInt128(quotient), inexactBelow: remainder != 0, timesTwoTo: exponent - shift)
    }

    /// `value` × 2^`scale` rounded to the nearest double (ties to even), where `inexactBelow` says that the exact
    /// number is a little more than `value` (a nonzero remainder). The result is a normal double here.
    private static func rounded(_ value: UInt128, inexactBelow: Bool, timesTwoTo scale: Int) -> Double {
        let bits = UInt128.bitWidth - value.leadingZeroBitCount
        guard bits > 53 else {
            // Exact in 53 bits; a remainder can only come with a quotient of 56 bits or more.
            return Double(sign: .plus, exponent: scale, significand: Double(UInt64(truncatingIfNeeded: value)))
        }
        var drop = bits - 53
        var mantissa = UInt64(truncatingIfNeeded: value >> drop)
        let half = UInt128(1) << (drop - 1)
        let below = value & ((half << 1) - 1)
        // Up when the dropped part is more than half, or exactly half and the remainder makes it more, or a tie
        // and the mantissa is odd (to even).
        if below > half || (below == half && (inexactBelow || mantissa & 1 == 1)) {
            mantissa += 1
            if mantissa == 1 << 53 {
                mantissa >>= 1
                drop += 1
            }
        }
        return Double(sign: .plus, exponent: scale + drop, significand: Double(mantissa))
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
