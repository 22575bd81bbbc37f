import Foundation
import TestSupport
import Testing
@testable import JacobianEngine

/// The tutorial's sensitivity analysis and its first exercise (the Jacobian with respect to the weights), and the
/// derivative rule of every layer type checked against finite differences.
@Suite("Network Jacobians")
struct NetworkTests {
    private func tutorialNetwork() throws -> (network: NetworkFunction, fixture: [String: Any]) {
        let fixture = try Fixture.object("app1_network")
        let layers = try JSONSerialization.data(withJSONObject: ["layers": fixture["layers"]!])
        return (try JSONDecoder().decode(NetworkFunction.self, from: layers), fixture)
    }

    @Test(arguments: [DifferentiationMode.forward, .reverse])
    func tutorialSensitivityMatchesPyTorch(mode: DifferentiationMode) throws {
        let (network, fixture) = try tutorialNetwork()
        let function = try CompiledFunction(network)
        let result = try function.jacobian(at: fixture["point"] as! [Double], mode: mode)
        #expect(maxRelativeDifference(result.value, fixture["value"] as! [Double]) < 1e-12)
        let expected = Matrix(fixture["jacobian"] as! [[Double]])
        #expect(maxRelativeDifference(result.jacobian, expected) < 1e-12)
        let sensitivity = result.jacobian.storage.map(abs).max()!
        #expect(abs(sensitivity - (fixture["max_abs_sensitivity"] as! Double)) < 1e-12)
        #expect(function.rowNames == ["y[0]", "y[1]"])
        #expect(function.columnNames == ["x[0]", "x[1]"])
    }

    @Test(arguments: [DifferentiationMode.forward, .reverse, .auto])
    func tutorialExerciseJacobianWithRespectToWeights(mode: DifferentiationMode) throws {
        let (network, fixture) = try tutorialNetwork()
        let function = try CompiledFunction(network, withRespectTo: .parameters)
        #expect(function.columnCount == 17)
        #expect(function.columnNames[0] == "layers[0].weight[0][0]")
        #expect(function.columnNames[1] == "layers[0].weight[0][1]")
        #expect(function.columnNames[6] == "layers[0].bias[0]")
        #expect(function.columnNames[9] == "layers[2].weight[0][0]")
        #expect(function.columnNames[16] == "layers[2].bias[1]")
        let result = try function.jacobian(at: fixture["point"] as! [Double], mode: mode)
        let expected = Matrix(fixture["jacobian_wrt_parameters"] as! [[Double]])
        #expect(maxRelativeDifference(result.jacobian, expected) < 1e-12)
        #expect(try function.evaluate(at: fixture["point"] as! [Double]) == result.value)
    }

    @Test(arguments: NetworkSamples.activations)
    func inputJacobianMatchesFiniteDifferences(activation: Layer) throws {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<5 {
            let network = NetworkSamples.network(around: activation, using: &rng)
            let point = NetworkSamples.point(3, using: &rng)
            let function = try CompiledFunction(network)
            let forward = try function.jacobian(at: point, mode: .forward)
            let reverse = try function.jacobian(at: point, mode: .reverse)
            #expect(maxRelativeDifference(forward.jacobian, reverse.jacobian) < 1e-12)
            #expect(forward.value == reverse.value)
            let oracle = try NetworkSamples.centralDifferences(columns: 3, outputs: 2) { column, h in
                var moved = point
                moved[column] += h
                return try function.evaluate(at: moved)
            }
            #expect(maxRelativeDifference(forward.jacobian, oracle) < 1e-6, "\(activation) at \(point)")
        }
    }

    @Test(arguments: NetworkSamples.activations)
    func parameterJacobianMatchesFiniteDifferences(activation: Layer) throws {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<3 {
            let network = NetworkSamples.network(around: activation, using: &rng)
            let point = NetworkSamples.point(3, using: &rng)
            let function = try CompiledFunction(network, withRespectTo: .parameters)
            #expect(function.columnCount == 4 * 3 + 4 + 2 * 4)
            let forward = try function.jacobian(at: point, mode: .forward)
            let reverse = try function.jacobian(at: point, mode: .reverse)
            #expect(maxRelativeDifference(forward.jacobian, reverse.jacobian) < 1e-12)
            let oracle = try NetworkSamples.centralDifferences(columns: function.columnCount, outputs: 2) { column, h in
                let moved = NetworkSamples.perturbing(network, parameter: column, by: h)
                return try CompiledFunction(moved).evaluate(at: point)
            }
            #expect(maxRelativeDifference(forward.jacobian, oracle) < 1e-6, "\(activation) at \(point)")
        }
    }

    @Test func deepRandomNetworksAgreeAcrossModes() throws {
        var rng = SeededGenerator(seed: 99)
        for _ in 0..<20 {
            var layers: [Layer] = []
            var width = Int.random(in: 1...5, using: &rng)
            let inputs = width
            if Bool.random(using: &rng) { layers.append(NetworkSamples.activations.randomElement(using: &rng)!) }
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let next = Int.random(in: 1...6, using: &rng)
                layers.append(NetworkSamples.linear(next, width, bias: Bool.random(using: &rng), using: &rng))
                layers.append(NetworkSamples.activations.randomElement(using: &rng)!)
                width = next
            }
            let network = NetworkFunction(layers: layers)
            let point = NetworkSamples.point(inputs, using: &rng)
            for variable in [DifferentiationVariable.input, .parameters] {
                let function = try CompiledFunction(network, withRespectTo: variable)
                let forward = try function.jacobian(at: point, mode: .forward)
                let reverse = try function.jacobian(at: point, mode: .reverse)
                #expect(maxRelativeDifference(forward.jacobian, reverse.jacobian) < 1e-12, "\(layers)")
            }
        }
    }

    @Test func softmaxJacobianIsDiagonalMinusOuterProduct() throws {
        let logits = [0.3, -1.2, 2.0, 0.0]
        let identity = (0..<4).map { i in (0..<4).map { $0 == i ? 1.0 : 0.0 } }
        let function = try CompiledFunction(NetworkFunction(layers: [.linear(weight: identity, bias: nil), .softmax]))
        let exponentials = logits.map { exp($0) }
        let s = exponentials.map { $0 / exponentials.reduce(0, +) }
        for mode in [DifferentiationMode.forward, .reverse] {
            let result = try function.jacobian(at: logits, mode: mode)
            #expect(maxRelativeDifference(result.value, s) < 1e-15)
            for i in 0..<4 {
                for j in 0..<4 {
                    let expected = (i == j ? s[i] : 0) - s[i] * s[j]
                    #expect(abs(result.jacobian[i, j] - expected) < 1e-15)
                }
            }
        }
    }

    @Test func softmaxIsStableForLargeLogits() throws {
        let function = try CompiledFunction(NetworkFunction(layers: [.linear(weight: [[1], [2]], bias: nil), .softmax]))
        let result = try function.jacobian(at: [1000])
        #expect(maxRelativeDifference(result.value, [0, 1]) < 1e-300)
        #expect(result.jacobian.storage.allSatisfy { $0.isFinite })
    }

    /// PyTorch's backward kernels at the kink: relu'(0) = 0, leaky_relu'(0) = slope, elu'(0) = alpha; softplus is
    /// the identity above its threshold.
    @Test(arguments: [
        (Layer.relu, 0.0, 0.0),
        (Layer.leakyReLU(negativeSlope: 0.2), 0.0, 0.2),
        (Layer.elu(alpha: 1.5), 0.0, 1.5),
        (Layer.softplus(beta: 2, threshold: 20), 10.5, 1.0),
        (Layer.gelu, 0.0, 0.5),
    ])
    func derivativeAtSpecialPointsFollowsPyTorch(layer: Layer, at x: Double, slope: Double) throws {
        let function = try CompiledFunction(NetworkFunction(layers: [.linear(weight: [[1]], bias: nil), layer]))
        for mode in [DifferentiationMode.forward, .reverse] {
            #expect(try function.jacobian(at: [x], mode: mode).jacobian[0, 0] == slope)
        }
    }

    /// relu(NaN) is NaN in PyTorch: an overflow that becomes inf − inf before a relu must be reported, not turned
    /// into a silent 0.
    @Test func reluPropagatesNaN() throws {
        let function = try CompiledFunction(NetworkFunction(layers: [
            .linear(weight: [[1e300], [1e300]], bias: nil), .linear(weight: [[1, -1]], bias: nil), .relu,
        ]))
        let valueError = engineError { try function.evaluate(at: [1e10]) }
        #expect(valueError?.kind == .nonFinite)
        for mode in [DifferentiationMode.forward, .reverse] {
            #expect(engineError { try function.jacobian(at: [1e10], mode: mode) }?.kind == .nonFinite)
        }
    }

    /// In gelu's left tail Φ(x) = (1 + erf(x/√2))/2 cancels; erfc keeps full relative precision. Reference values
    /// from Python's math.erfc: Φ(−8) = 6.220960574271819e-16.
    @Test func geluKeepsRelativePrecisionInItsTail() throws {
        let function = try CompiledFunction(NetworkFunction(layers: [.linear(weight: [[1]], bias: nil), .gelu]))
        let result = try function.jacobian(at: [-8])
        #expect(abs(result.value[0] / -4.9767684594174555e-15 - 1) < 1e-13, "\(result.value)")
        #expect(abs(result.jacobian[0, 0] / -3.979607261086796e-14 - 1) < 1e-13, "\(result.jacobian)")
    }

    @Test func softplusAboveThresholdIsTheIdentity() throws {
        let function = try CompiledFunction(NetworkFunction(layers: [
            .linear(weight: [[1]], bias: nil), .softplus(beta: 2, threshold: 20),
        ]))
        #expect(try function.evaluate(at: [10.5]) == [10.5])
        #expect(abs(try function.evaluate(at: [9.5])[0] - log1p(exp(19)) / 2) < 1e-14)
    }

    @Test func activationsBeforeTheFirstLinearLayerAreDifferentiated() throws {
        let network = NetworkFunction(layers: [.tanh, .linear(weight: [[2, 3]], bias: [1])])
        let function = try CompiledFunction(network)
        #expect(function.inputCount == 2)
        let result = try function.jacobian(at: [0.5, -0.25], mode: .reverse)
        #expect(abs(result.jacobian[0, 0] - 2 * (1 - pow(tanh(0.5), 2))) < 1e-15)
        #expect(abs(result.jacobian[0, 1] - 3 * (1 - pow(tanh(-0.25), 2))) < 1e-15)
        #expect(result.jacobian == (try function.jacobian(at: [0.5, -0.25], mode: .forward)).jacobian)
    }
}
