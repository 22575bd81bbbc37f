import Foundation
import Testing
@testable import JacobianEngine

/// Each built-in function's derivative against its analytic form, at a few points, in both modes, plus the
/// PyTorch conventions at kinks.
@Suite("Derivative rules")
struct DerivativeRuleTests {
    /// d/dx of f at x, by forward and reverse mode, which must agree.
    private func derivative(_ expression: String, at x: Double) throws -> Double {
        let function = try compile([.scalar("x")], [expression])
        let forward = try function.jacobian(at: [x], mode: .forward).jacobian[0, 0]
        let reverse = try function.jacobian(at: [x], mode: .reverse).jacobian[0, 0]
        #expect(close(forward, reverse), "\(expression) at \(x): forward \(forward), reverse \(reverse)")
        return forward
    }

    /// Issue #19: `y − 1` rounds to `y` for |y| ≥ 2^54, so `y · x^(y−1)` at x = −1 had the sign of an even power.
    /// The exponent is a constant (`powerConstant`) or an input (`power`, whose y-derivative at x = −1 is NaN, so
    /// only x is an input there and y a constant folded late: `x^(y)` with `y` a named constant).
    @Test(arguments: [("x^1e308", 1e308), ("pow(x, -1e308)", -1e308), ("x^9007199254740994", 0x1p53 + 2),
                      ("x^(c)", 1e308)] as [(String, Double)])
    func powerRuleKeepsTheParityOfHugeExponents(_ expression: String, _ y: Double) throws {
        let function = try compile([.scalar("x")], [expression], constants: ["c": 1e308])
        for mode in [DifferentiationMode.forward, .reverse] {
            // y is even, so x^(y−1) at −1 is −1 and the derivative is −y.
            let derivative = try function.jacobian(at: [-1], mode: mode).jacobian[0, 0]
            #expect(derivative == -y, "\(expression), \(mode)")
            #expect(try function.jacobian(at: [1], mode: mode).jacobian[0, 0] == y)
        }
    }

    @Test func powerRuleWithAnInputExponentKeepsTheParity() throws {
        // x^y with y an input: the x-derivative at (−1, 1e308); the y-derivative (log of −1) is NaN there, so the
        // point is checked through the value-and-x-partial the rule computes.
        let (value, dx, _) = Operation.power.evaluate(-1, 1e308, partials: true)
        #expect(value == 1 && dx == -1e308)
        #expect(Operation.power.evaluate(-1, -1e308, partials: true).dx == 1e308)
        #expect(Operation.power.evaluate(2, 3, partials: true).dx == 12)
    }

    static let unary: [(String, [Double], @Sendable (Double) -> Double)] = [
        ("sin(x)", [-2, 0, 0.7], { cos($0) }),
        ("cos(x)", [-2, 0, 0.7], { -sin($0) }),
        ("tan(x)", [-1, 0, 0.7], { 1 / (cos($0) * cos($0)) }),
        ("asin(x)", [-0.9, 0, 0.5], { 1 / sqrt(1 - $0 * $0) }),
        ("acos(x)", [-0.9, 0, 0.5], { -1 / sqrt(1 - $0 * $0) }),
        ("atan(x)", [-3, 0, 0.5], { 1 / (1 + $0 * $0) }),
        ("sinh(x)", [-2, 0, 1.5], { cosh($0) }),
        ("cosh(x)", [-2, 0, 1.5], { sinh($0) }),
        ("tanh(x)", [-2, 0, 1.5], { 1 / (cosh($0) * cosh($0)) }),
        ("asinh(x)", [-2, 0, 1.5], { 1 / sqrt($0 * $0 + 1) }),
        ("acosh(x)", [1.5, 3], { 1 / sqrt($0 * $0 - 1) }),
        ("atanh(x)", [-0.5, 0, 0.9], { 1 / (1 - $0 * $0) }),
        ("exp(x)", [-2, 0, 3], { exp($0) }),
        ("expm1(x)", [-2, 0, 3], { exp($0) }),
        ("log(x)", [0.1, 1, 7], { 1 / $0 }),
        ("log1p(x)", [-0.5, 0, 7], { 1 / (1 + $0) }),
        ("log2(x)", [0.1, 1, 7], { 1 / ($0 * log(2)) }),
        ("log10(x)", [0.1, 1, 7], { 1 / ($0 * log(10)) }),
        ("sqrt(x)", [0.1, 1, 7], { 0.5 / sqrt($0) }),
        ("cbrt(x)", [-8, 0.1, 7], { 1 / (3 * pow(cbrt($0), 2)) }),
        ("abs(x)", [-2, 0, 3], { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }),
        ("sign(x)", [-2, 0, 3], { _ in 0 }),
        ("floor(x)", [-2.5, 0, 3], { _ in 0 }),
        ("ceil(x)", [-2.5, 0, 3], { _ in 0 }),
        ("relu(x)", [-2, 0, 3], { $0 > 0 ? 1 : 0 }),
        ("sigmoid(x)", [-3, 0, 2], { let s = 1 / (1 + exp(-$0)); return s * (1 - s) }),
        ("softplus(x)", [-3, 0, 2, 25], { $0 > 20 ? 1 : 1 / (1 + exp(-$0)) }),
        ("erf(x)", [-1, 0, 0.5], { 2 / sqrt(Double.pi) * exp(-$0 * $0) }),
        ("-x", [-1, 2], { _ in -1 }),
        ("x^2", [-1.5, 0, 2], { 2 * $0 }),
        ("x^3", [-1.5, 0, 2], { 3 * $0 * $0 }),
        ("x^0", [-1.5, 0, 2], { _ in 0 }),
        ("x^7", [-1.5, 0, 1.1], { 7 * pow($0, 6) }),
        ("x^64", [-1.01, 0, 1.01], { 64 * pow($0, 63) }),
        ("x^-2", [-1.5, 2], { -2 / pow($0, 3) }),
        ("x^0.5", [0.25, 4], { 0.5 / sqrt($0) }),
        ("2^x", [-1, 0, 3], { pow(2, $0) * log(2) }),
        ("x^x", [0.5, 2], { pow($0, $0) * (log($0) + 1) }),
        ("pow(x, 2.5)", [0, 1, 3], { 2.5 * pow($0, 1.5) }),
        ("1 / x", [-2, 0.5], { -1 / ($0 * $0) }),
    ]

    @Test(arguments: 0..<unary.count)
    func unaryRule(_ index: Int) throws {
        let (expression, points, analytic) = Self.unary[index]
        for x in points {
            let computed = try derivative(expression, at: x)
            #expect(close(computed, analytic(x), 1e-13), "\(expression) at \(x): \(computed) vs \(analytic(x))")
        }
    }

    private func gradient(_ expression: String, _ a: Double, _ b: Double, mode: DifferentiationMode = .reverse)
        throws -> [Double]
    {
        try compile([.scalar("a"), .scalar("b")], [expression]).jacobian(at: [a, b], mode: mode).jacobian.storage
    }

    @Test func binaryRules() throws {
        let (a, b) = (1.3, -0.4)
        #expect(close(try gradient("a + b", a, b), [1, 1]))
        #expect(close(try gradient("a - b", a, b), [1, -1]))
        #expect(close(try gradient("a * b", a, b), [b, a]))
        #expect(close(try gradient("a / b", a, b), [1 / b, -a / (b * b)]))
        #expect(close(try gradient("atan2(a, b)", a, b), [b / (a * a + b * b), -a / (a * a + b * b)]))
        #expect(close(try gradient("hypot(a, b)", a, b), [a / hypot(a, b), b / hypot(a, b)]))
        #expect(close(try gradient("min(a, b)", a, b), [0, 1]))
        #expect(close(try gradient("max(a, b)", a, b), [1, 0]))
        #expect(close(try gradient("a ^ b", a, b), [b * pow(a, b - 1), pow(a, b) * log(a)]))
        #expect(close(try gradient("pow(a, b)", a, b, mode: .forward), [b * pow(a, b - 1), pow(a, b) * log(a)]))
    }

    @Test func pytorchConventionsAtKinks() throws {
        #expect(try derivative("relu(x)", at: 0) == 0)
        #expect(try derivative("abs(x)", at: 0) == 0)
        #expect(try derivative("x^2", at: 0) == 0)
        #expect(try derivative("x^1", at: 0) == 1)
        #expect(try derivative("max(x, 1)", at: 1) == 0.5)
        #expect(try derivative("min(x, 1)", at: 1) == 0.5)
        #expect(try derivative("max(x, x)", at: 1) == 1)
        #expect(try gradient("max(a, b)", 2, 2) == [0.5, 0.5])
        #expect(try gradient("min(a, b)", 2, 2, mode: .forward) == [0.5, 0.5])
        // torch.pow: the exponent's derivative is 0 at base 0 with a non-negative exponent; the base's is 0 for
        // exponent 0.
        #expect(try gradient("a ^ b", 0, 2) == [0, 0])
        #expect(try gradient("a ^ b", 3, 0) == [0, log(3)])
        #expect(try derivative("0 ^ x", at: 0.5) == 0)
    }

    /// Near the ends of their domains, and far out, the rules keep full relative precision: asin'/acos' near ±1
    /// (where 1 − x² cancels), asinh'/acosh' for huge x (where x² overflows), and atan2's partials for tiny or
    /// huge operands (where x² + y² underflows to 0 or overflows): the exact derivatives are finite there.
    @Test func rulesKeepPrecisionAtTheEdgesOfTheirDomains() throws {
        let nearOne = 0.999999
        let exactAsin = 1 / ((1 - nearOne) * (1 + nearOne)).squareRoot()  // 1 − x is exact here (Sterbenz)
        #expect(close(try derivative("asin(x)", at: nearOne), exactAsin, 1e-15))
        #expect(close(try derivative("acos(x)", at: -nearOne), -exactAsin, 1e-15))
        #expect(close(try derivative("asinh(x)", at: 1e200), 1e-200, 1e-15))
        #expect(close(try derivative("acosh(x)", at: 1e200), 1e-200, 1e-15))
        // atan2(a, b) with a = b = s: both partials have magnitude 1 / (2s).
        for s in [1e-200, 1e200] {
            let partials = try gradient("atan2(a, b)", s, s)
            #expect(close(partials[0] * s, 0.5, 1e-15) && close(partials[1] * s, -0.5, 1e-15), "at \(s): \(partials)")
            #expect(try gradient("atan2(a, b)", s, s, mode: .forward) == partials)
        }
    }
}
