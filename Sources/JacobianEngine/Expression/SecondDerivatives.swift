#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which second partials of an operation can be nonzero, whatever its operands: what the Hessian's sparsity
/// pattern is built from (`HessianSparsity`).
struct Curvature: OptionSet, Sendable {
    let rawValue: UInt8
    /// ∂²/∂x² may be nonzero.
    static let xx = Curvature(rawValue: 1)
    /// ∂²/∂x∂y may be nonzero.
    static let xy = Curvature(rawValue: 2)
    /// ∂²/∂y² may be nonzero.
    static let yy = Curvature(rawValue: 4)
}

/// The second-order rule table, beside the first-order one in `Operations.swift`: Hessians (forward-over-reverse,
/// `ExpressionProgram+Hessian.swift`) need each operation's second partials, and nothing else.
///
/// Where the first derivative is piecewise constant (`abs`, `relu`, `min`, `max`, `sign`, `floor`, `ceil`) the
/// second derivative is 0, as PyTorch's double backward gives; at a kink it is 0 too (the first derivative's
/// convention there is a constant). `x ^ y` keeps the first-order conventions: where `∂/∂y` is defined as 0
/// (`x == 0`, `y >= 0`) its derivatives are 0, and where `∂/∂x` is 0 because `y == 0` so is `∂²/∂x²`.
extension Operation {
    /// Which second partials can be nonzero.
    var curvature: Curvature {
        switch self {
        case .add, .subtract, .negate, .abs, .sign, .floor, .ceil, .minimum, .maximum, .relu: []
        case .multiply: .xy
        case .divide: [.xy, .yy]
        case .power, .atan2, .hypot: [.xx, .xy, .yy]
        case .powerConstant, .powerInteger, .square: .xx
        default: .xx
        }
    }

    /// `∂²/∂x²`, `∂²/∂x∂y` and `∂²/∂y²` at `(x, y)`, given the operation's value `v` there (`y` ignored by unary
    /// operations, `v` saves recomputing what the first-order pass found).
    @inline(__always)
    func secondPartials(_ x: Double, _ y: Double, value v: Double) -> (xx: Double, xy: Double, yy: Double) {
        secondPartialsOf(self, x, y, v)
    }
}

/// The rule table behind `Operation.secondPartials`; a free function so that `sin(x)` names the C function.
@inline(__always)
private func secondPartialsOf(_ operation: Operation, _ x: Double, _ y: Double, _ v: Double)
    -> (xx: Double, xy: Double, yy: Double)
{
    switch operation {
    case .add, .subtract, .negate, .abs, .sign, .floor, .ceil, .minimum, .maximum, .relu: return (0, 0, 0)
    case .multiply: return (0, 1, 0)
    case .divide:
        // v = x/y: ∂²/∂x∂y = −1/y², ∂²/∂y² = 2x/y³ = 2v/y².
        return (0, -1 / (y * y), 2 * v / (y * y))
    case .power:
        let xx = y == 0 || y == 1 ? 0 : y * (y - 1) * pow(x, y - 2)
        if x == 0 && y >= 0 {
            // ∂/∂y is 0 here by convention, so are its derivatives; ∂/∂x = y·x^(y−1), whose y-derivative at x = 0
            // is 1 for y = 1 and 0 above (x^(y−1) → 0).
            return (xx, y == 1 ? 1 : 0, 0)
        }
        let logX = log(x)
        return (xx, pow(x, y - 1) * (1 + y * logX), v * logX * logX)
    case .powerConstant:
        return (y == 0 || y == 1 ? 0 : y * (y - 1) * pow(x, y - 2), 0, 0)
    case .powerInteger:
        var below = 1.0
        for _ in 0..<(Int(y) - 2) { below *= x }
        return (y * (y - 1) * below, 0, 0)
    case .square: return (2, 0, 0)

    case .sin: return (-v, 0, 0)
    case .cos: return (-v, 0, 0)
    case .tan: return (2 * v * (1 + v * v), 0, 0)
    case .asin:
        let d = 1 / ((1 - x) * (1 + x)).squareRoot()
        return (x * d * d * d, 0, 0)
    case .acos:
        let d = 1 / ((1 - x) * (1 + x)).squareRoot()
        return (-x * d * d * d, 0, 0)
    case .atan:
        let d = 1 / (1 + x * x)
        return (-2 * x * d * d, 0, 0)
    case .atan2:
        // atan2(x, y): ∂/∂x = y/r², ∂/∂y = −x/r². With a = x/r, b = y/r (no overflow or underflow of r²):
        // ∂²/∂x² = −2ab/r², ∂²/∂x∂y = (a − b)(a + b)/r², ∂²/∂y² = 2ab/r².
        let r = hypot(x, y)
        let a = x / r, b = y / r
        return (-2 * a * b / r / r, (a - b) * (a + b) / r / r, 2 * a * b / r / r)

    case .sinh: return (v, 0, 0)
    case .cosh: return (v, 0, 0)
    case .tanh: return (-2 * v * (1 - v * v), 0, 0)
    case .asinh:
        let d = 1 / hypot(x, 1)
        return (-x * d * d * d, 0, 0)
    case .acosh:
        let d = 1 / ((x - 1).squareRoot() * (x + 1).squareRoot())
        return (-x * d * d * d, 0, 0)
    case .atanh:
        let d = 1 / ((1 - x) * (1 + x))
        return (2 * x * d * d, 0, 0)

    case .exp: return (v, 0, 0)
    case .expm1: return (v + 1, 0, 0)
    case .log: return (-1 / (x * x), 0, 0)
    case .log1p: return (-1 / ((1 + x) * (1 + x)), 0, 0)
    case .log2: return (-1 / (x * x * M_LN2), 0, 0)
    case .log10: return (-1 / (x * x * M_LN10), 0, 0)
    case .sqrt: return (-0.25 / (v * v * v), 0, 0)
    case .cbrt: return (-2 / (9 * v * v * v * v * v), 0, 0)

    case .hypot:
        // ∂/∂x = x/v: ∂²/∂x² = y²/v³, ∂²/∂x∂y = −xy/v³, ∂²/∂y² = x²/v³, with a = x/v, b = y/v.
        let a = x / v, b = y / v
        return (b * b / v, -a * b / v, a * a / v)

    case .sigmoid: return (v * (1 - v) * (1 - 2 * v), 0, 0)
    case .softplus:
        if x > 20 { return (0, 0, 0) }
        let s = 1 / (1 + exp(-x))
        return (s * (1 - s), 0, 0)
    case .erf:
        return (-2 * x * 2 / Double.pi.squareRoot() * exp(-x * x), 0, 0)
    }
}
