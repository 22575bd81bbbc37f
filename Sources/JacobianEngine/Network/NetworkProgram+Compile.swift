/// Checking a `NetworkFunction` from an untrusted client and compiling it into a `NetworkProgram`.
///
/// Decoding from JSON already checks shapes, but a `NetworkFunction` built in Swift has not been decoded, so every
/// rule is checked again here, with a JSON Pointer into the specification (`/layers/2/weight/1`).
extension NetworkProgram {
    /// Validates `network` against `limits` and compiles it for differentiation with respect to `variable`.
    ///
    /// The input size is the first linear layer's in-features: activations before it keep the vector's size, so a
    /// network needs at least one linear layer (`torch.nn.Sequential` would infer nothing either). Besides
    /// `maxInputs`, `maxOutputs`, `maxNetworkParameters` and `maxJacobianEntries`, the intermediate vectors of one
    /// forward pass, and the tangent or adjoint blocks of at least one mode, must fit in `maxJacobianEntries`
    /// numbers, so that no specification can make one evaluation allocate without bound.
    static func compile(
        _ network: NetworkFunction, variable: DifferentiationVariable, limits: EngineLimits
    ) throws(EngineError) -> NetworkProgram {
        guard !network.layers.isEmpty else {
            throw invalid("a network needs at least one layer", pointer: "/layers")
        }
        guard let firstLinear = network.layers.firstIndex(where: { if case .linear = $0 { true } else { false } })
        else {
            throw invalid(
                "a network needs at least one linear layer: its input size is the first linear layer's in-features",
                pointer: "/layers")
        }
        guard case .linear(let firstWeight, _) = network.layers[firstLinear], let inputCount = firstWeight.first?.count
        else { throw invalid("layers[\(firstLinear)] has an empty weight", pointer: "/layers/\(firstLinear)/weight") }

        var steps: [Step] = []
        steps.reserveCapacity(network.layers.count)
        var width = inputCount
        var widthTotal = inputCount
        var maxWidth = inputCount
        var parameterCount = 0
        for (index, layer) in network.layers.enumerated() {
            if case .linear(let weight, let bias) = layer {
                // Counted before the weight is copied, so an oversized layer is refused without more allocation.
                let entries = weight.reduce(bias?.count ?? 0) { $0 + $1.count }
                guard entries <= limits.maxNetworkParameters - parameterCount else {
                    throw EngineError.limitExceeded(
                        "maxNetworkParameters",
                        "the network has more than \(limits.maxNetworkParameters) parameters "
                            + "(maxNetworkParameters), counting up to layers[\(index)]",
                        pointer: "/layers/\(index)")
                }
            }
            let step = try compileLayer(layer, index: index, inputWidth: width, parameterOffset: parameterCount)
            if case .affine(let map) = step {
                parameterCount += map.parameterCount
                width = map.outputs
            }
            widthTotal += width
            maxWidth = Swift.max(maxWidth, width)
            guard widthTotal <= limits.maxJacobianEntries else {
                throw EngineError.limitExceeded(
                    "maxJacobianEntries",
                    "the network's intermediate vectors hold more than \(limits.maxJacobianEntries) numbers "
                        + "(maxJacobianEntries), counting up to layers[\(index)]",
                    pointer: "/layers/\(index)")
            }
            steps.append(step)
        }

        guard inputCount <= limits.maxInputs else {
            throw EngineError.limitExceeded(
                "maxInputs", "the network takes \(inputCount) inputs, more than maxInputs (\(limits.maxInputs))",
                pointer: "/layers/\(firstLinear)/weight")
        }
        guard width <= limits.maxOutputs else {
            throw EngineError.limitExceeded(
                "maxOutputs", "the network produces \(width) outputs, more than maxOutputs (\(limits.maxOutputs))",
                pointer: "/layers")
        }
        let columns = variable == .input ? inputCount : parameterCount
        let (entries, overflow) = width.multipliedReportingOverflow(by: columns)
        guard !overflow, entries <= limits.maxJacobianEntries else {
            throw EngineError.limitExceeded(
                "maxJacobianEntries",
                "the Jacobian would have \(width) × \(columns) entries, more than maxJacobianEntries "
                    + "(\(limits.maxJacobianEntries))",
                pointer: "/layers")
        }
        let forwardBlock = maxWidth.multipliedReportingOverflow(by: columns)
        let reverseBlock = maxWidth.multipliedReportingOverflow(by: width)
        let forwardFits = !forwardBlock.overflow && forwardBlock.partialValue <= limits.maxJacobianEntries
        let reverseFits = !reverseBlock.overflow && reverseBlock.partialValue <= limits.maxJacobianEntries
        guard forwardFits || reverseFits else {
            throw EngineError.limitExceeded(
                "maxJacobianEntries",
                "differentiating the network needs intermediate blocks of more than \(limits.maxJacobianEntries) "
                    + "numbers (maxJacobianEntries) in both forward and reverse mode; its widest layer has "
                    + "\(maxWidth) entries",
                pointer: "/layers")
        }
        return NetworkProgram(
            steps: steps, inputCount: inputCount, variable: variable, forwardFits: forwardFits, reverseFits: reverseFits)
    }

    /// Compiles layer `index`, which receives a vector of `inputWidth` entries.
    private static func compileLayer(
        _ layer: Layer, index: Int, inputWidth: Int, parameterOffset: Int
    ) throws(EngineError) -> Step {
        let pointer = "/layers/\(index)"
        switch layer {
        case .linear(let weight, let bias):
            return .affine(try compileLinear(
                weight: weight, bias: bias, index: index, inputWidth: inputWidth, parameterOffset: parameterOffset))
        case .relu: return .elementwise(.relu)
        case .tanh: return .elementwise(.tanh)
        case .sigmoid: return .elementwise(.sigmoid)
        case .gelu: return .elementwise(.gelu)
        case .softmax: return .softmax
        case .leakyReLU(let slope):
            try requireFinite(slope, "negative_slope", pointer: pointer + "/negative_slope", index: index)
            return .elementwise(.leakyReLU(negativeSlope: slope))
        case .elu(let alpha):
            try requireFinite(alpha, "alpha", pointer: pointer + "/alpha", index: index)
            return .elementwise(.elu(alpha: alpha))
        case .softplus(let beta, let threshold):
            try requireFinite(beta, "beta", pointer: pointer + "/beta", index: index)
            guard beta != 0 else {
                throw invalid("layers[\(index)] (softplus) has beta 0; softplus divides by beta", pointer: pointer + "/beta")
            }
            try requireFinite(threshold, "threshold", pointer: pointer + "/threshold", index: index)
            return .elementwise(.softplus(beta: beta, threshold: threshold))
        }
    }

    /// Checks a linear layer's shapes and entries and flattens its weight row-major.
    private static func compileLinear(
        weight: [[Double]], bias: [Double]?, index: Int, inputWidth: Int, parameterOffset: Int
    ) throws(EngineError) -> AffineMap {
        let pointer = "/layers/\(index)"
        guard let inputs = weight.first?.count, inputs > 0 else {
            throw invalid(
                "layers[\(index)] (linear) needs a weight with at least one row and one column",
                pointer: pointer + "/weight")
        }
        guard inputs == inputWidth else {
            throw invalid(
                "layers[\(index)] (linear) takes \(inputs) inputs but receives a vector of \(inputWidth) entries",
                pointer: pointer + "/weight")
        }
        var flat: [Double] = []
        flat.reserveCapacity(weight.count * inputs)
        for (row, entries) in weight.enumerated() {
            guard entries.count == inputs else {
                throw invalid(
                    "layers[\(index)] (linear) weight row \(row) has \(entries.count) entries but row 0 has \(inputs); "
                        + "every row must have the same length",
                    pointer: pointer + "/weight/\(row)")
            }
            if let column = entries.firstIndex(where: { !$0.isFinite }) {
                throw invalid(
                    "layers[\(index)] (linear) weight[\(row)][\(column)] is not a finite number",
                    pointer: pointer + "/weight/\(row)/\(column)")
            }
            flat += entries
        }
        if let bias {
            guard bias.count == weight.count else {
                throw invalid(
                    "layers[\(index)] (linear) bias has \(bias.count) entries but the weight has \(weight.count) rows",
                    pointer: pointer + "/bias")
            }
            if let entry = bias.firstIndex(where: { !$0.isFinite }) {
                throw invalid(
                    "layers[\(index)] (linear) bias[\(entry)] is not a finite number", pointer: pointer + "/bias/\(entry)")
            }
        }
        return AffineMap(
            outputs: weight.count, inputs: inputs, weight: flat, bias: bias, parameterOffset: parameterOffset)
    }

    private static func requireFinite(
        _ value: Double, _ name: String, pointer: String, index: Int
    ) throws(EngineError) {
        guard value.isFinite else {
            throw invalid("layers[\(index)] has \(name) \(value); it must be a finite number", pointer: pointer)
        }
    }

    private static func invalid(_ message: String, pointer: String) -> EngineError {
        EngineError(kind: .invalidSpecification, message: message, pointer: pointer)
    }
}
