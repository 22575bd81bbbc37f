import Foundation

/// An elementwise activation with its forward rule and its local derivative side by side, in one switch each.
///
/// Derivative rules receive both the input `x` and the output `y` so that rules which are cheapest in terms of the
/// output (tanh, sigmoid) reuse it, as JAX's `defjvp2` does. Points where the function is not differentiable follow
/// PyTorch's backward kernels exactly, so that a Jacobian from this engine equals `torch.autograd.functional.jacobian`:
///
/// | activation | forward | derivative | at the kink |
/// |---|---|---|---|
/// | relu | max(x, 0), NaN stays NaN | x > 0 ? 1 : 0 | 0 (PyTorch `threshold_backward`: `x <= 0 ? 0 : g`) |
/// | leaky_relu | x > 0 ? x : slope·x | x > 0 ? 1 : slope | slope (PyTorch: `x > 0 ? g : g·slope`) |
/// | elu | x > 0 ? x : α(eˣ − 1) | x > 0 ? 1 : α·eˣ | α (PyTorch: `x <= 0 ? g·α·eˣ : g`) |
/// | tanh | tanh x | 1 − y² | smooth |
/// | sigmoid | 1 / (1 + e⁻ˣ) | y(1 − y) | smooth |
/// | softplus | log(1 + e^{βx}) / β, or x when βx > threshold | σ(βx), or 1 when βx > threshold | follows the threshold |
/// | gelu | x·Φ(x) (exact erf form) | Φ(x) + x·φ(x) | smooth |
enum Activation: Hashable, Sendable {
    case relu
    case leakyReLU(negativeSlope: Double)
    case elu(alpha: Double)
    case tanh
    case sigmoid
    case softplus(beta: Double, threshold: Double)
    case gelu

    /// The activation's PyTorch name, used in error messages ("layers[2] (softplus)").
    var name: String {
        switch self {
        case .relu: "relu"
        case .leakyReLU: "leaky_relu"
        case .elu: "elu"
        case .tanh: "tanh"
        case .sigmoid: "sigmoid"
        case .softplus: "softplus"
        case .gelu: "gelu"
        }
    }

    /// The forward rule: the activation at `x`.
    @inline(__always)
    func value(_ x: Double) -> Double {
        switch self {
        case .relu:
            // NaN passes through, as in PyTorch, so that it is reported instead of hidden as 0.
            return x > 0 || x.isNaN ? x : 0
        case .leakyReLU(let slope):
            return x > 0 ? x : x * slope
        case .elu(let alpha):
            // expm1 keeps full precision for small negative x, where exp(x) - 1 cancels.
            return x > 0 ? x : alpha * Foundation.expm1(x)
        case .tanh:
            return Foundation.tanh(x)
        case .sigmoid:
            return logistic(x)
        case .softplus(let beta, let threshold):
            let scaled = beta * x
            if scaled > threshold { return x }
            // log(1 + e^z) = max(z, 0) + log1p(e^-|z|): never overflows, even for a large threshold.
            return (Swift.max(scaled, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(scaled)))) / beta
        case .gelu:
            return x * standardNormalCDF(x)
        }
    }

    /// The local derivative dy/dx at input `x` whose output is `y`.
    @inline(__always)
    func derivative(input x: Double, output y: Double) -> Double {
        switch self {
        case .relu:
            return x > 0 ? 1 : 0
        case .leakyReLU(let slope):
            return x > 0 ? 1 : slope
        case .elu(let alpha):
            return x > 0 ? 1 : alpha * Foundation.exp(x)
        case .tanh:
            return 1 - y * y
        case .sigmoid:
            return y * (1 - y)
        case .softplus(let beta, let threshold):
            let scaled = beta * x
            return scaled > threshold ? 1 : logistic(scaled)
        case .gelu:
            return standardNormalCDF(x) + x * standardNormalDensity(x)
        }
    }

    /// The second derivative d²y/dx² at input `x` whose output is `y`, for Hessians: 0 on the linear pieces (and,
    /// as the first derivative's conventions are constants there, at the kinks).
    @inline(__always)
    func secondDerivative(input x: Double, output y: Double) -> Double {
        switch self {
        case .relu, .leakyReLU:
            return 0
        case .elu(let alpha):
            return x > 0 ? 0 : alpha * Foundation.exp(x)
        case .tanh:
            return -2 * y * (1 - y * y)
        case .sigmoid:
            return y * (1 - y) * (1 - 2 * y)
        case .softplus(let beta, let threshold):
            let scaled = beta * x
            if scaled > threshold { return 0 }
            let s = logistic(scaled)
            return beta * s * (1 - s)
        case .gelu:
            // d/dx (Φ + xφ) = 2φ + xφ' = φ(2 − x²).
            return standardNormalDensity(x) * (2 - x * x)
        }
    }
}

/// The logistic function 1 / (1 + e⁻ˣ), written so that neither branch overflows.
@inline(__always)
func logistic(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
    let e = Foundation.exp(x)
    return e / (1 + e)
}

/// Φ(x) = (1 + erf(x/√2)) / 2, the standard normal cumulative distribution, computed as erfc(−x/√2) / 2: the
/// equal to PyTorch's erf form up to rounding where that form is accurate, and with full relative precision in the
/// left tail, where 1 + erf cancels (the erf form is 2% off at x = −8).
@inline(__always)
func standardNormalCDF(_ x: Double) -> Double {
    0.5 * Foundation.erfc(-x * (0.5 as Double).squareRoot())
}

/// φ(x) = e^{−x²/2} / √(2π), the standard normal density.
@inline(__always)
func standardNormalDensity(_ x: Double) -> Double {
    Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
}
