import Foundation
import Testing
import TestSupport
@testable import JacobianEngine

/// Hessians by forward-over-reverse against SymPy (Tests/Fixtures/hessians.json, written by
/// scripts/hessian-fixtures.py), exactly symmetric, compressed by the Hessian's sparsity, and Hessian–vector
/// products equal to H·v.
@Suite("Hessians")
struct HessianTests {
    struct Fixture: Decodable {
        struct Output: Decodable { var value: Double; var gradient: [Double]; var hessian: [[Double]] }
        struct Result: Decodable { var point: [Double]; var outputs: [Output] }
        struct Case: Decodable {
            var name: String
            var inputs: [String]
            var definitions: [String]
            var outputs: [String]
            var results: [Result]
        }
        var cases: [Case]

        static func load() throws -> Fixture {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../Fixtures/hessians.json")
            return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        }
    }

    @Test(arguments: try Fixture.load().cases.map(\.name))
    func matchesSymPy(_ name: String) throws {
        let fixture = try Fixture.load().cases.first { $0.name == name }!
        let function = try compile(fixture.inputs.map { .scalar($0) }, fixture.outputs, definitions: fixture.definitions)
        for result in fixture.results {
            let hessian = try function.hessian(at: result.point)
            #expect(hessian.rows == Array(fixture.outputs.indices))
            for (row, expected) in result.outputs.enumerated() {
                #expect(close(hessian.value[row], expected.value, 1e-13), "\(name) value \(row)")
                #expect(close(hessian.gradients[row], expected.gradient, 1e-12), "\(name) gradient \(row)")
                #expect(close(hessian.hessians[row].storage, expected.hessian.flatMap { $0 }, 1e-11),
                        "\(name) Hessian of \(fixture.outputs[row]): \(hessian.hessians[row].rowArrays) vs \(expected.hessian)")
                #expect(hessian.hessians[row] == hessian.hessians[row].transposed, "exactly symmetric")
            }
            // One output alone is the same matrix.
            let last = fixture.outputs.count - 1
            #expect(try function.hessian(at: result.point, output: last).hessians == [hessian.hessians[last]])
        }
    }

    @Test func sparseHessiansEqualDenseOnesEntryForEntry() throws {
        for fixture in try Fixture.load().cases {
            let function = try compile(fixture.inputs.map { .scalar($0) }, fixture.outputs, definitions: fixture.definitions)
            let point = fixture.results[0].point
            let dense = try function.hessian(at: point)
            let sparse = try function.sparseHessian(at: point)
            #expect(sparse.hessians.isEmpty && sparse.sparseHessians.count == fixture.outputs.count)
            #expect(sparse.sparseHessians.map(\.dense) == dense.hessians, "\(fixture.name)")
            #expect(sparse.gradients == dense.gradients)
        }
        let terms = (0..<99).map { "sin(x[\($0)]) * x[\($0 + 1)]" }.joined(separator: " + ")
        let tridiagonal = try compile([.vector(name: "x", size: 100)], [terms])
        let point = (0..<100).map { cos(Double($0)) }
        let sparse = try tridiagonal.sparseHessian(at: point, output: 0)
        #expect(sparse.sparseHessians[0].values.count == 3 * 100 - 3)
        #expect(sparse.sparseHessians[0].dense == (try tridiagonal.hessian(at: point)).hessians[0])
        var rng = SeededGenerator(seed: 4)
        let network = try CompiledFunction(NetworkSamples.network(around: .gelu, using: &rng))
        let networkPoint = NetworkSamples.point(3, using: &rng)
        #expect(try network.sparseHessian(at: networkPoint).sparseHessians.map(\.dense)
                == network.hessian(at: networkPoint).hessians)
    }

    @Test func hessianVectorProductsEqualHTimesV() throws {
        let function = try compile(
            [.vector(name: "x", size: 4)], ["x[0] * x[1] * sin(x[2]) + x[3]^3 / (1 + x[0]^2)", "atan2(x[1], x[3])"])
        let point = [0.5, -1.5, 0.9, 1.3]
        let full = try function.hessian(at: point)
        var rng = SeededGenerator(seed: 2)
        let vectors = (0..<3).map { _ in (0..<4).map { _ in Double.random(in: -1..<1, using: &rng) } }
        let products = try function.hessianVectorProducts(at: point, vectors: vectors)
        for row in 0..<2 {
            for (t, v) in vectors.enumerated() {
                let expected = (0..<4).map { i in (0..<4).reduce(0) { $0 + full.hessians[row][i, $1] * v[$1] } }
                #expect(close(products.products[row][t], expected, 1e-12))
            }
        }
        #expect(products.gradients == full.gradients)
    }

    @Test func tridiagonalHessianTakesThreeProductsWhateverItsSize() throws {
        for n in [10, 1_000] {
            // Definitions of 50 terms each keep every expression under maxExpressionLength.
            let terms = (0..<(n - 1)).map { "sin(x[\($0)]) * x[\($0 + 1)]" }
            let chunks = stride(from: 0, to: terms.count, by: 50).map { terms[$0..<min($0 + 50, terms.count)] }
            let definitions = chunks.enumerated().map { "s\($0.offset) = " + $0.element.joined(separator: " + ") }
            let function = try compile([.vector(name: "x", size: n)],
                                       [chunks.indices.map { "s\($0)" }.joined(separator: " + ")],
                                       definitions: definitions)
            #expect(function.hessianSweepCount == 3)
            // x[n-1] enters linearly: its diagonal entry is a structural zero.
            #expect(function.hessianSparsity?.nnz == 3 * n - 3)
            let point = (0..<n).map { sin(Double($0)) }
            let h = try function.hessian(at: point).hessians[0]
            var expected = Matrix(rows: n, columns: n)
            for i in 0..<(n - 1) {
                expected[i, i] = -sin(point[i]) * point[i + 1]
                expected[i, i + 1] = cos(point[i])
                expected[i + 1, i] = cos(point[i])
            }
            #expect(close(h.storage, expected.storage, 1e-14))
        }
    }

    @Test func linearAndPiecewiseLinearFunctionsHaveNoCurvature() throws {
        let function = try compile([.vector(name: "x", size: 3)], ["2*x[0] - x[1] + relu(x[2]) + abs(x[0]) + max(x[1], x[2])"])
        #expect(function.hessianSparsity?.nnz == 0)
        #expect(function.hessianSweepCount == 0 || function.hessianSweepCount == 1)
        #expect(try function.hessian(at: [0.3, -0.2, 0.1]).hessians[0].storage.allSatisfy { $0 == 0 })
    }

    @Test func constantExponentsAndInactiveOperandsStayFinite() throws {
        // 0 ^ x has an infinite partial in its constant base; x^2 and x^3.5 at 0 have finite second derivatives.
        let function = try compile([.vector(name: "x", size: 2)], ["0^x[0] + x[1]^2 + x[1]^4", "pow(2, x[0]) * x[1]"])
        let result = try function.hessian(at: [1.5, 0])
        #expect(close(result.hessians[0].storage, [0, 0, 0, 2]))
        let ln2 = log(2.0)
        #expect(close(result.hessians[1].storage, [ln2 * ln2 * pow(2, 1.5) * 0, ln2 * pow(2, 1.5), ln2 * pow(2, 1.5), 0]))
    }

    @Test func limitsAndErrors() throws {
        let function = try compile([.vector(name: "x", size: 30)], ["x[0] * x[1]", "x[2]^2"])
        let big = engineError { try function.hessian(at: Array(repeating: 1, count: 30), limits: EngineLimits(maxJacobianEntries: 1_000)) }
        #expect(big?.kind == .limitExceeded && big?.limit == "maxJacobianEntries")
        #expect(try function.hessian(at: Array(repeating: 1, count: 30), output: 1,
                                     limits: EngineLimits(maxJacobianEntries: 1_000)).rows == [1])
        let output = engineError { try function.hessian(at: Array(repeating: 1, count: 30), output: 2) }
        #expect(output?.kind == .dimensionMismatch && output?.pointer == "/output")
        let vector = engineError { try function.hessianVectorProducts(at: Array(repeating: 1, count: 30), vectors: [[1]]) }
        #expect(vector?.pointer == "/vectors/0")
        let log0 = try compile([.vector(name: "x", size: 2)], ["log(x[0]) * x[1]"])
        #expect(engineError { try log0.hessian(at: [0, 1]) }?.kind == .nonFinite)
        var rng = SeededGenerator(seed: 1)
        let network = try CompiledFunction(NetworkSamples.network(around: .tanh, using: &rng), withRespectTo: .parameters)
        #expect(engineError { try network.hessian(at: [0, 0, 0]) }?.kind == .invalidSpecification)
    }

    /// The expression form of linear(3→4) · activation · linear(4→2, no bias), for comparing network Hessians with
    /// expression Hessians.
    private func expressionForm(_ network: NetworkFunction, activation: (String) -> String?) -> CompiledFunction? {
        guard case .linear(let w1, let b1) = network.layers[0], case .linear(let w2, _) = network.layers[2] else { return nil }
        func number(_ value: Double) -> String { "(\(value))" }
        var definitions: [String] = []
        for i in w1.indices {
            let sum = w1[i].indices.map { "\(number(w1[i][$0]))*x[\($0)]" }.joined(separator: " + ")
            definitions.append("h\(i) = \(sum) + \(number(b1?[i] ?? 0))")
        }
        if case .softmax = network.layers[1] {
            let total = w1.indices.map { "exp(h\($0))" }.joined(separator: " + ")
            definitions.append("z = \(total)")
            for i in w1.indices { definitions.append("a\(i) = exp(h\(i)) / z") }
        } else {
            for i in w1.indices {
                guard let text = activation("h\(i)") else { return nil }
                definitions.append("a\(i) = \(text)")
            }
        }
        let outputs = w2.indices.map { r in
            w2[r].indices.map { "\(number(w2[r][$0]))*a\($0)" }.joined(separator: " + ")
        }
        return try? compile([.vector(name: "x", size: 3)], outputs, definitions: definitions)
    }

    @Test func networkHessiansEqualTheirExpressionForms() throws {
        let forms: [(Layer, (String) -> String?)] = [
            (.tanh, { "tanh(\($0))" }),
            (.sigmoid, { "sigmoid(\($0))" }),
            (.softplus(beta: 1, threshold: 20), { "softplus(\($0))" }),
            (.gelu, { "\($0) * (1 + erf(\($0) / sqrt(2))) / 2" }),
            (.elu(alpha: 1.3), { "max(\($0), 0) + 1.3 * (exp(min(\($0), 0)) - 1)" }),
            (.relu, { "relu(\($0))" }),
            (.softmax, { $0 == "softmax" ? "" : nil }),
        ]
        var rng = SeededGenerator(seed: 21)
        for (activation, form) in forms {
            var layers = NetworkSamples.network(around: activation, using: &rng).layers
            layers.removeLast()  // linear · activation · linear
            let network = NetworkFunction(layers: layers)
            let expression = try #require(expressionForm(network, activation: form))
            let compiled = try CompiledFunction(network)
            let point = NetworkSamples.point(3, using: &rng)
            let got = try compiled.hessian(at: point)
            let want = try expression.hessian(at: point)
            #expect(close(got.gradients.flatMap { $0 }, want.gradients.flatMap { $0 }, 1e-11), "\(activation)")
            for (g, w) in zip(got.hessians, want.hessians) {
                #expect(close(g.storage, w.storage, 1e-10), "\(activation): \(g.rowArrays) vs \(w.rowArrays)")
                #expect(g == g.transposed)
            }
            let v = [0.3, -1.1, 0.7]
            let products = try compiled.hessianVectorProducts(at: point, vectors: [v])
            for (row, h) in got.hessians.enumerated() {
                let expected = (0..<3).map { i in (0..<3).reduce(0) { $0 + h[i, $1] * v[$1] } }
                #expect(close(products.products[row][0], expected, 1e-12))
            }
        }
    }
}
