import Foundation
import JacobianEngine

/// The engine benchmark's functions, each built through the public API, beside a hand-written Swift closure that
/// computes the same value and Jacobian analytically and returns it in the same form (`JacobianResult`): the
/// limit a general engine can approach. The workloads match ../shared/bench/peers_engine.py, so PyTorch and JAX
/// figures from the same sitting compare directly.
enum EngineWorkloads {
    /// SplitMix64 numbers in [-1, 1), so the constants, weights and points are the same on every run.
    struct Numbers {
        private var generator: SplitMix64
        init(seed: UInt64) { generator = SplitMix64(seed: seed) }
        mutating func next() -> Double { generator.unit() * 2 - 1 }
        mutating func vector(_ count: Int, scale: Double = 1) -> [Double] { (0..<count).map { _ in next() * scale } }
    }

    /// A constant written into an expression with every digit, so the engine and the closure use the same number.
    static func term(_ coefficient: Double, _ factor: String) -> String {
        coefficient < 0 ? " - \(-coefficient)*\(factor)" : " + \(coefficient)*\(factor)"
    }

    // MARK: The tutorial's 3×3 function (x0², x1³, x2⁴)

    static let seedSpec = FunctionSpec.expression(ExpressionFunction(
        inputs: [.vector(name: "x", size: 3)], outputs: ["x[0]^2", "x[1]^3", "x[2]^4"]))
    static let seedPoint = [0.5, 1.0, -0.3]

    static func seedByHand(_ x: [Double]) -> JacobianResult {
        let (a, b, c) = (x[0], x[1], x[2])
        return JacobianResult(
            value: [a * a, b * b * b, c * c * c * c],
            jacobian: Matrix(rows: 3, columns: 3, storage: [2 * a, 0, 0, 0, 3 * b * b, 0, 0, 0, 4 * c * c * c]))
    }

    // MARK: Dense 50×50: F_i = Σ_j c_ij sin(x_j + x_i)

    static let denseSize = 50
    static let denseCoefficients: [Double] = {
        var numbers = Numbers(seed: 50)
        return numbers.vector(denseSize * denseSize)
    }()

    static var denseSpec: FunctionSpec {
        let n = denseSize
        let outputs = (0..<n).map { i in
            (0..<n).map { j in term(denseCoefficients[i * n + j], "sin(x[\(j)] + x[\(i)])") }.joined()
        }
        return .expression(ExpressionFunction(inputs: [.vector(name: "x", size: n)], outputs: outputs))
    }

    static func denseByHand(_ x: [Double]) -> JacobianResult {
        let n = denseSize
        var value = [Double](repeating: 0, count: n)
        var jacobian = Matrix(rows: n, columns: n)
        for i in 0..<n {
            var diagonal = 0.0
            for j in 0..<n {
                let c = denseCoefficients[i * n + j]
                value[i] += c * sin(x[j] + x[i])
                let slope = c * cos(x[j] + x[i])
                jacobian[i, j] += slope
                diagonal += slope
            }
            jacobian[i, i] += diagonal
        }
        return JacobianResult(value: value, jacobian: jacobian)
    }

    // MARK: Gradient of f(x) = Σ_{i<999} (x_i − x_{i+1})² + Σ_i sin(x_i)·x_i over 1000 inputs

    static let gradientSize = 1000

    /// The sum is split into definitions of 100 indices each, so every expression stays under the default
    /// `maxExpressionLength`.
    static var gradientSpec: FunctionSpec {
        let n = gradientSize
        let chunks = stride(from: 0, to: n, by: 100).map { start in
            let terms = (start..<min(n, start + 100)).map { i in
                (i + 1 < n ? "(x[\(i)] - x[\(i + 1)])^2 + " : "") + "sin(x[\(i)])*x[\(i)]"
            }
            return "s\(start / 100) = " + terms.joined(separator: " + ")
        }
        let output = (0..<chunks.count).map { "s\($0)" }.joined(separator: " + ")
        return .expression(ExpressionFunction(
            inputs: [.vector(name: "x", size: n)], outputs: [output], definitions: chunks))
    }

    static func gradientValueByHand(_ x: [Double]) -> Double {
        var total = 0.0
        for i in 0..<x.count {
            if i + 1 < x.count { total += (x[i] - x[i + 1]) * (x[i] - x[i + 1]) }
            total += sin(x[i]) * x[i]
        }
        return total
    }

    static func gradientByHand(_ x: [Double]) -> JacobianResult {
        let n = x.count
        var gradient = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var g = sin(x[i]) + x[i] * cos(x[i])
            if i + 1 < n { g += 2 * (x[i] - x[i + 1]) }
            if i > 0 { g -= 2 * (x[i - 1] - x[i]) }
            gradient[i] = g
        }
        return JacobianResult(
            value: [gradientValueByHand(x)], jacobian: Matrix(rows: 1, columns: n, storage: gradient))
    }

    // MARK: Banded 1000×1000: F_i = x_{i−1} − 2x_i + x_{i+1} + x_i³ (zero beyond the ends)

    static let bandedSize = 1000

    static var bandedSpec: FunctionSpec {
        let n = bandedSize
        let outputs = (0..<n).map { i in
            (i > 0 ? "x[\(i - 1)] " : "") + "- 2*x[\(i)]" + (i + 1 < n ? " + x[\(i + 1)]" : "") + " + x[\(i)]^3"
        }
        return .expression(ExpressionFunction(inputs: [.vector(name: "x", size: n)], outputs: outputs))
    }

    static func bandedByHand(_ x: [Double]) -> JacobianResult {
        let n = x.count
        var value = [Double](repeating: 0, count: n)
        var jacobian = Matrix(rows: n, columns: n)
        for i in 0..<n {
            let left = i > 0 ? x[i - 1] : 0
            let right = i + 1 < n ? x[i + 1] : 0
            value[i] = left - 2 * x[i] + right + x[i] * x[i] * x[i]
            if i > 0 { jacobian[i, i - 1] = 1 }
            if i + 1 < n { jacobian[i, i + 1] = 1 }
            jacobian[i, i] = -2 + 3 * x[i] * x[i]
        }
        return JacobianResult(value: value, jacobian: jacobian)
    }
}
