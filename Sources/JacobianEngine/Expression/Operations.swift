#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The primitive operations of an expression program. Each instruction applies one of them to one or two registers.
///
/// This file is the only place that knows what an operation computes: `evaluate(_:_:partials:)` gives the value and
/// the two local partial derivatives side by side (as micrograd's ops and JAX's `defjvp` tables do), and the AD
/// sweeps in `ExpressionProgram` only combine those partials with tangents or adjoints.
///
/// Conventions where a derivative is undefined follow PyTorch:
/// - `relu'(0) = 0`, `abs'(0) = 0`, `sign' = floor' = ceil' = 0` everywhere.
/// - `min` and `max` at a tie give each argument half the gradient, as `torch.minimum`/`torch.maximum` do.
/// - `x ^ y` (and `pow`): `∂/∂x = 0` when `y == 0`, else `y · x^(y−1)`; `∂/∂y = 0` when `x == 0` and `y >= 0`, else
///   `x^y · log(x)` (NaN for negative `x`, reported only when the exponent depends on the inputs). A constant
///   exponent compiles to `square`, `powerInteger` (whole exponents 3...64) or `powerConstant`, which have no
///   exponent derivative, so `x^2` at 0 has derivative 0.
/// - `sqrt'(0)`, `cbrt'(0)`, `log'(0)`, `asin'(±1)`, ... are infinite and reported as non-finite, never clamped.
/// - `softplus` is PyTorch's default (beta 1, threshold 20): linear above 20.
/// - NaN propagates through `min`, `max`, `relu`, `abs` and `sign`, as in PyTorch.
enum Operation: UInt8, CaseIterable, Sendable {
    case add, subtract, multiply, divide, power, powerConstant, powerInteger, square, negate
    case sin, cos, tan, asin, acos, atan, atan2
    case sinh, cosh, tanh, asinh, acosh, atanh
    case exp, expm1, log, log1p, log2, log10, sqrt, cbrt
    case abs, sign, floor, ceil, minimum, maximum, hypot
    case relu, sigmoid, softplus, erf

    /// The value at `(x, y)` (`y` ignored by unary operations) and, when `partials` is true, `∂/∂x` and `∂/∂y`.
    /// With `partials` false the derivative entries are unspecified; callers pass a literal so that the compiler
    /// drops the derivative code from value-only loops.
    @inline(__always)
    func evaluate(_ x: Double, _ y: Double, partials: Bool) -> (value: Double, dx: Double, dy: Double) {
        evaluateOperation(self, x, y, partials: partials)
    }

    /// The value alone.
    @inline(__always)
    func apply(_ x: Double, _ y: Double) -> Double {
        evaluate(x, y, partials: false).value
    }

    /// Number of operands: 1 or 2.
    var arity: Int {
        switch self {
        case .add, .subtract, .multiply, .divide, .power, .powerConstant, .powerInteger, .atan2, .minimum, .maximum,
             .hypot: 2
        default: 1
        }
    }

    /// Whether swapping the operands gives the same value and swaps the partials (for sharing `a+b` and `b+a`).
    var isCommutative: Bool {
        switch self {
        case .add, .multiply, .minimum, .maximum, .hypot: true
        default: false
        }
    }

    /// The operator symbol for infix operations, nil for functions.
    var infixSymbol: String? {
        switch self {
        case .add: "+"
        case .subtract: "-"
        case .multiply: "*"
        case .divide: "/"
        case .power, .powerConstant, .powerInteger, .square: "^"
        case .negate: "-"
        default: nil
        }
    }

    /// The name users write (`sin`, `min`) or the operator symbol, as used in messages.
    var displayName: String {
        switch self {
        case .minimum: "min"
        case .maximum: "max"
        default: infixSymbol ?? "\(self)"
        }
    }

    /// The built-in functions by the name users call them, with the operation each compiles to. `pow` compiles to
    /// `square`, `powerInteger` or `powerConstant` when its exponent is a constant.
    static let functionsByName: [String: Operation] = {
        var table: [String: Operation] = ["pow": .power, "min": .minimum, "max": .maximum]
        let named: [Operation] = [
            .sin, .cos, .tan, .asin, .acos, .atan, .atan2, .sinh, .cosh, .tanh, .asinh, .acosh, .atanh,
            .exp, .expm1, .log, .log1p, .log2, .log10, .sqrt, .cbrt, .abs, .sign, .floor, .ceil, .hypot,
            .relu, .sigmoid, .softplus, .erf,
        ]
        for operation in named { table["\(operation)"] = operation }
        return table
    }()

    /// The built-in constants users may write.
    static let constantsByName: [String: Double] = ["pi": Double.pi, "e": M_E]
}

/// The rule table behind `Operation.evaluate(_:_:partials:)`: value and partials side by side, one case per operation.
/// It is a free function so that `sin(x)` below names the C library function rather than the enum case.
@inline(__always)
private func evaluateOperation(
    _ operation: Operation, _ x: Double, _ y: Double, partials: Bool
) -> (value: Double, dx: Double, dy: Double) {
    switch operation {
    case .add: return (x + y, 1, 1)
    case .subtract: return (x - y, 1, -1)
    case .multiply: return (x * y, y, x)
    case .divide:
        let v = x / y
        return (v, 1 / y, -v / y)
    case .power:
        let v = pow(x, y)
        guard partials else { return (v, 0, 0) }
        return (v, y == 0 ? 0 : y * powerBelow(x, y, v), x == 0 && y >= 0 ? 0 : v * log(x))
    case .powerConstant:
        let v = pow(x, y)
        return (v, partials && y != 0 ? y * powerBelow(x, y, v) : 0, 0)
    case .powerInteger:
        // y is a whole constant from 3 to 64: repeated squaring is several times faster than pow, at a cost in
        // accuracy that grows with y (measured: at most about 24 ulps, 5e-15 relative, at y = 64; pow is within 0.5).
        let below = integerPower(x, Int(y) - 1)
        return (below * x, y * below, 0)
    case .square: return (x * x, 2 * x, 0)
    case .negate: return (-x, -1, 0)

    case .sin: return (sin(x), partials ? cos(x) : 0, 0)
    case .cos: return (cos(x), partials ? -sin(x) : 0, 0)
    case .tan:
        let v = tan(x)
        return (v, 1 + v * v, 0)
    // Factored forms: 1 − x² cancels near ±1 (1 − x is exact there), x² overflows for |x| > 1e154, and x² + y²
    // underflows to 0 for tiny operands, where the derivatives are still finite.
    case .asin: return (asin(x), partials ? 1 / ((1 - x) * (1 + x)).squareRoot() : 0, 0)
    case .acos: return (acos(x), partials ? -1 / ((1 - x) * (1 + x)).squareRoot() : 0, 0)
    case .atan: return (atan(x), 1 / (1 + x * x), 0)
    case .atan2:
        guard partials else { return (atan2(x, y), 0, 0) }
        let r = hypot(x, y)
        return (atan2(x, y), y / r / r, -x / r / r)

    case .sinh: return (sinh(x), partials ? cosh(x) : 0, 0)
    case .cosh: return (cosh(x), partials ? sinh(x) : 0, 0)
    case .tanh:
        let v = tanh(x)
        return (v, 1 - v * v, 0)
    case .asinh: return (asinh(x), partials ? 1 / hypot(x, 1) : 0, 0)
    case .acosh: return (acosh(x), partials ? 1 / ((x - 1).squareRoot() * (x + 1).squareRoot()) : 0, 0)
    case .atanh: return (atanh(x), 1 / ((1 - x) * (1 + x)), 0)

    case .exp:
        let v = exp(x)
        return (v, v, 0)
    case .expm1:
        let v = expm1(x)
        return (v, v + 1, 0)
    case .log: return (log(x), 1 / x, 0)
    case .log1p: return (log1p(x), 1 / (1 + x), 0)
    case .log2: return (log2(x), 1 / (x * M_LN2), 0)
    case .log10: return (log10(x), 1 / (x * M_LN10), 0)
    case .sqrt:
        let v = x.squareRoot()
        return (v, 0.5 / v, 0)
    case .cbrt:
        let v = cbrt(x)
        return (v, 1 / (3 * v * v), 0)

    case .abs: return (Swift.abs(x), x > 0 ? 1 : (x < 0 ? -1 : 0), 0)
    case .sign: return (x > 0 ? 1 : (x < 0 ? -1 : x), 0, 0)
    case .floor: return (floor(x), 0, 0)
    case .ceil: return (ceil(x), 0, 0)
    case .minimum:
        if x.isNaN || y.isNaN { return (.nan, 0.5, 0.5) }
        return x < y ? (x, 1, 0) : (x > y ? (y, 0, 1) : (x, 0.5, 0.5))
    case .maximum:
        if x.isNaN || y.isNaN { return (.nan, 0.5, 0.5) }
        return x > y ? (x, 1, 0) : (x < y ? (y, 0, 1) : (x, 0.5, 0.5))
    case .hypot:
        let v = hypot(x, y)
        return (v, x / v, y / v)

    case .relu: return (x < 0 ? 0 : x, x > 0 ? 1 : 0, 0)
    case .sigmoid:
        let v = 1 / (1 + exp(-x))
        return (v, v * (1 - v), 0)
    case .softplus:
        // Above the threshold exp(x) would overflow and log1p(exp(x)) equals x to double precision anyway.
        if x > 20 { return (x, 1, 0) }
        return (log1p(exp(x)), partials ? 1 / (1 + exp(-x)) : 0, 0)
    case .erf:
        return (erf(x), partials ? 2 / Double.pi.squareRoot() * exp(-x * x) : 0, 0)
    }
}

/// `x^(y−1)`, given `power = x^y`, without rounding `y − 1`. From 2^53 on, doubles are even integers and `y − 1`
/// rounds to an even number (to `y` itself from 2^54), so `pow(x, y − 1)` would have the wrong sign for negative
/// `x`: `x^1e308` at −1 would have derivative +1e308 instead of −1e308. There `x^y / x` keeps the parity; it is
/// the same quantity, and only used where `y − 1` is inexact, so ordinary exponents keep `pow`'s accuracy.
@inline(__always)
private func powerBelow(_ x: Double, _ y: Double, _ power: Double) -> Double {
    let below = y - 1
    if y - below == 1 || x == 0 { return pow(x, below) }
    return power / x
}

/// `x` to the power `n >= 0` by repeated squaring.
@inline(__always)
private func integerPower(_ x: Double, _ n: Int) -> Double {
    var result = 1.0
    var base = x
    var n = n
    while n > 0 {
        if n & 1 == 1 { result *= base }
        base *= base
        n >>= 1
    }
    return result
}
