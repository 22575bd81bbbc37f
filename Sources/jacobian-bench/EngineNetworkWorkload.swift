import Foundation
import JacobianEngine

/// The 64-128-128-10 tanh network of the benchmark, with PyTorch's default initialization (uniform in
/// ±1/√in-features), and its input Jacobian written by hand: `W3 · diag(1 − h2²) · W2 · diag(1 − h1²) · W1`,
/// accumulated from the output side like reverse mode, over flat row-major arrays.
struct BenchmarkNetwork {
    /// (outputs, inputs, weight row-major, bias) for each linear layer.
    let layers: [(outputs: Int, inputs: Int, weight: [Double], bias: [Double])]
    let point: [Double]

    init(sizes: [Int] = [64, 128, 128, 10], seed: UInt64 = 64) {
        var numbers = EngineWorkloads.Numbers(seed: seed)
        layers = zip(sizes, sizes.dropFirst()).map { inputs, outputs in
            let bound = 1 / Double(inputs).squareRoot()
            return (outputs, inputs, numbers.vector(outputs * inputs, scale: bound), numbers.vector(outputs, scale: bound))
        }
        point = numbers.vector(sizes[0])
    }

    /// The network as the engine's specification: linear, tanh, linear, tanh, linear.
    var spec: FunctionSpec {
        var specLayers: [Layer] = []
        for (index, layer) in layers.enumerated() {
            let rows = (0..<layer.outputs).map { Array(layer.weight[($0 * layer.inputs)..<(($0 + 1) * layer.inputs)]) }
            specLayers.append(.linear(weight: rows, bias: layer.bias))
            if index + 1 < layers.count { specLayers.append(.tanh) }
        }
        return .network(NetworkFunction(layers: specLayers))
    }

    /// Value and input Jacobian, written directly.
    func jacobianByHand(_ x: [Double]) -> JacobianResult {
        // Forward pass, keeping each hidden layer's tanh output.
        var activations = [x]
        for (index, layer) in layers.enumerated() {
            let input = activations[index]
            var output = layer.bias
            for i in 0..<layer.outputs {
                var sum = 0.0
                for j in 0..<layer.inputs { sum += layer.weight[i * layer.inputs + j] * input[j] }
                output[i] += sum
                if index + 1 < layers.count { output[i] = tanh(output[i]) }
            }
            activations.append(output)
        }
        // Reverse accumulation: start from the last weight, then scale by tanh' and multiply by each weight.
        let last = layers.count - 1
        var adjoint = layers[last].weight
        var width = layers[last].inputs
        for index in stride(from: last - 1, through: 0, by: -1) {
            let hidden = activations[index + 1]
            let rows = layers[last].outputs
            for r in 0..<rows {
                for k in 0..<width { adjoint[r * width + k] *= 1 - hidden[k] * hidden[k] }
            }
            let layer = layers[index]
            var next = [Double](repeating: 0, count: rows * layer.inputs)
            for r in 0..<rows {
                for k in 0..<layer.outputs {
                    let a = adjoint[r * width + k]
                    for j in 0..<layer.inputs { next[r * layer.inputs + j] += a * layer.weight[k * layer.inputs + j] }
                }
            }
            adjoint = next
            width = layer.inputs
        }
        return JacobianResult(
            value: activations[layers.count],
            jacobian: Matrix(rows: layers[last].outputs, columns: width, storage: adjoint))
    }
}
