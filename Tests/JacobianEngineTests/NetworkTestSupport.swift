import Foundation
import TestSupport
@testable import JacobianEngine

enum NetworkSamples {
    /// Every activation layer, with non-default parameters where it has any.
    static let activations: [Layer] = [
        .relu, .leakyReLU(negativeSlope: 0.07), .elu(alpha: 1.3), .tanh, .sigmoid,
        .softplus(beta: 1.7, threshold: 3), .gelu, .softmax,
    ]

    /// A random linear layer with entries in [-1, 1); the bias is left out when `bias` is false.
    static func linear(_ outputs: Int, _ inputs: Int, bias: Bool = true, using rng: inout SeededGenerator) -> Layer {
        let weight = (0..<outputs).map { _ in (0..<inputs).map { _ in Double.random(in: -1..<1, using: &rng) } }
        let b = bias ? (0..<outputs).map { _ in Double.random(in: -1..<1, using: &rng) } : nil
        return .linear(weight: weight, bias: b)
    }

    /// linear(3→4) · activation · linear(4→2, no bias) · activation: every layer's rule shows in both Jacobians.
    static func network(around activation: Layer, using rng: inout SeededGenerator) -> NetworkFunction {
        NetworkFunction(layers: [
            linear(4, 3, using: &rng), activation, linear(2, 4, bias: false, using: &rng), activation,
        ])
    }

    static func point(_ count: Int, using rng: inout SeededGenerator) -> [Double] {
        (0..<count).map { _ in Double.random(in: -1.5..<1.5, using: &rng) }
    }

    /// The network with parameter `index` (in `named_parameters` order) moved by `delta`.
    static func perturbing(_ network: NetworkFunction, parameter index: Int, by delta: Double) -> NetworkFunction {
        var remaining = index
        var layers = network.layers
        for (position, layer) in layers.enumerated() {
            guard case .linear(var weight, var bias) = layer else { continue }
            let weightCount = weight.count * weight[0].count
            if remaining < weightCount {
                weight[remaining / weight[0].count][remaining % weight[0].count] += delta
            } else if let count = bias?.count, remaining < weightCount + count {
                bias![remaining - weightCount] += delta
            } else {
                remaining -= weightCount + (bias?.count ?? 0)
                continue
            }
            layers[position] = .linear(weight: weight, bias: bias)
            return NetworkFunction(layers: layers)
        }
        preconditionFailure("no parameter \(index)")
    }

    /// Central differences `(f(x + h) − f(x − h)) / 2h`, column by column: the oracle, used only in tests.
    static func centralDifferences(
        columns: Int, outputs: Int, step h: Double = 1e-6, evaluate: (Int, Double) throws -> [Double]
    ) rethrows -> Matrix {
        var result = Matrix(rows: outputs, columns: columns)
        for column in 0..<columns {
            let plus = try evaluate(column, h)
            let minus = try evaluate(column, -h)
            for row in 0..<outputs { result[row, column] = (plus[row] - minus[row]) / (2 * h) }
        }
        return result
    }
}

/// The largest entrywise difference, relative to the larger magnitude when that exceeds 1.
func maxRelativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "shapes differ")
    return zip(a, b).map { abs($0 - $1) / max(1, abs($0), abs($1)) }.max() ?? 0
}

func maxRelativeDifference(_ a: Matrix, _ b: Matrix) -> Double {
    precondition(a.rows == b.rows && a.columns == b.columns, "shapes differ")
    return maxRelativeDifference(a.storage, b.storage)
}

/// The repository's fixture: the tutorial's examples recomputed with PyTorch in float64.
enum Fixture {
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/expected.json")

    static func object(_ key: String) throws -> [String: Any] {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return root[key] as! [String: Any]
    }
}
