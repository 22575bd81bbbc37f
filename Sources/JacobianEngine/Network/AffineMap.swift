/// A compiled `linear` layer, `y = W x + b`, in PyTorch's `nn.Linear` layout: `weight` is `outputs × inputs`
/// row-major, `bias` has `outputs` entries or is absent.
struct AffineMap: Sendable {
    /// Rows of the weight: the layer's output width.
    let outputs: Int
    /// Columns of the weight: the layer's input width.
    let inputs: Int
    /// The weight, row-major: entry (i, j) is `weight[i * inputs + j]`.
    let weight: [Double]
    /// The bias, when the layer has one.
    let bias: [Double]?
    /// Index of this layer's first parameter among all the network's parameters (its first weight entry).
    let parameterOffset: Int

    /// Weights plus biases.
    var parameterCount: Int { outputs * inputs + (bias == nil ? 0 : outputs) }

    /// Index of the bias entry `i` among the network's parameters: biases follow the whole weight.
    @inline(__always)
    func biasParameter(_ i: Int) -> Int { parameterOffset + outputs * inputs + i }

    /// Column names in PyTorch's `named_parameters` order: the weight row by row, then the bias.
    func parameterNames(layerIndex: Int) -> [String] {
        var names: [String] = []
        names.reserveCapacity(parameterCount)
        for i in 0..<outputs {
            for j in 0..<inputs { names.append("layers[\(layerIndex)].weight[\(i)][\(j)]") }
        }
        if bias != nil {
            for i in 0..<outputs { names.append("layers[\(layerIndex)].bias[\(i)]") }
        }
        return names
    }

    /// Writes `W x + b` into `y`.
    @inline(__always)
    func apply(to x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        weight.withUnsafeBufferPointer { w in
            let w = w.baseAddress!
            for i in 0..<outputs { y[i] = DenseKernels.dot(w + i * inputs, x, count: inputs) }
        }
        if let bias {
            for i in 0..<outputs { y[i] += bias[i] }
        }
    }
}
