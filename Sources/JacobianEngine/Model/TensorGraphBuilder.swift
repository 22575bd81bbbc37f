/// Builds a `TensorGraph` node by node: infers and checks each output's shape, plans the kernel, folds nodes whose
/// operands are all constant, and keeps every tensor within `ModelLimits` before allocating it.
public struct TensorGraphBuilder: Sendable {
    public let limits: ModelLimits
    private var shapes: [[Int]] = []
    private var constants: [[Double]?] = []
    private var nodes: [TensorGraph.Node] = []
    private var totalElements = 0
    private var operations = 0

    public init(limits: ModelLimits = ModelLimits()) {
        self.limits = limits
    }

    /// The graph's input, e.g. [1, 1, 8, 8].
    public mutating func addInput(shape: [Int]) throws(ModelError) -> TensorID {
        try add(shape: shape, constant: nil, what: "the input")
    }

    /// A constant tensor (a weight, a shape).
    public mutating func addConstant(_ data: [Double], shape: [Int], name: String) throws(ModelError) -> TensorID {
        let count = try TensorSize.elements(of: shape, limits: limits, what: "tensor '\(name)'")
        guard count == data.count else {
            throw ModelError("tensor '\(name)' of shape \(shape) holds \(data.count) values instead of \(count)")
        }
        return try add(shape: shape, constant: data, what: "tensor '\(name)'")
    }

    /// The shape of a tensor already added.
    public func shape(of tensor: TensorID) -> [Int] { shapes[tensor.index] }

    /// A constant tensor's data, or nil when it depends on the input.
    public func constantData(of tensor: TensorID) -> [Double]? { constants[tensor.index] }

    /// The output of `operation` on `operands`. Errors come back attributed to `node` and its operator.
    public mutating func apply(_ operation: TensorOperation, to operands: [TensorID], node: String) throws(ModelError) -> TensorID {
        do throws(ModelError) {
            guard nodes.count < limits.maxNodes else {
                throw ModelError("the graph has more than the limit maxNodes = \(limits.maxNodes) nodes", limit: "maxNodes")
            }
            let inputs = operands.map(\.index)
            let (kernel, shape) = try plan(operation, inputs)
            let count = try TensorSize.elements(of: shape, limits: limits, what: "the output")
            try addOperations(kernel.operations(outputCount: count))
            if inputs.allSatisfy({ constants[$0] != nil }) {
                let data = kernel.forward(inputs.map { constants[$0]! }, count: count)
                return try add(shape: shape, constant: data, what: "the output")
            }
            let output = try add(shape: shape, constant: nil, what: "the output")
            nodes.append(.init(name: node, op: operation.name, kernel: kernel, inputs: inputs, output: output.index))
            return output
        } catch {
            throw error.at(node: node, op: operation.name)
        }
    }

    /// The finished graph from `input` to `output`.
    public func build(input: TensorID, output: TensorID) throws(ModelError) -> TensorGraph {
        guard constants[output.index] == nil else {
            throw ModelError("the output does not depend on the input")
        }
        guard shapes[input.index].reduce(1, *) > 0, shapes[output.index].reduce(1, *) > 0 else {
            throw ModelError("the input and the output must have at least one element")
        }
        return TensorGraph(shapes: shapes, constants: constants, nodes: nodes, input: input.index, output: output.index,
                           operations: operations)
    }

    private mutating func add(shape: [Int], constant: [Double]?, what: String) throws(ModelError) -> TensorID {
        let count = try TensorSize.elements(of: shape, limits: limits, what: what)
        try reserve(count)
        shapes.append(shape)
        constants.append(constant)
        return TensorID(index: shapes.count - 1)
    }

    /// Counts a node's estimated work against `maxOperations`, before its loops ever run.
    private mutating func addOperations(_ added: Int) throws(ModelError) {
        let (total, overflow) = operations.addingReportingOverflow(added)
        guard !overflow, total <= limits.maxOperations else {
            throw ModelError("the graph would take more than the limit maxOperations = \(limits.maxOperations) multiply-adds per evaluation",
                             limit: "maxOperations")
        }
        operations = total
    }

    /// Counts `count` more elements against `maxTotalElements` (tensors and the index maps of kernels).
    private mutating func reserve(_ count: Int) throws(ModelError) {
        guard totalElements + count <= limits.maxTotalElements else {
            throw ModelError("the graph's tensors hold more than the limit maxTotalElements = \(limits.maxTotalElements) elements",
                             limit: "maxTotalElements")
        }
        totalElements += count
    }

    // MARK: Planning

    private mutating func plan(_ operation: TensorOperation, _ inputs: [Int]) throws(ModelError) -> (TensorKernel, [Int]) {
        func arity(_ allowed: ClosedRange<Int>) throws(ModelError) {
            guard allowed.contains(inputs.count) else {
                throw ModelError("expects \(allowed.lowerBound == allowed.upperBound ? "\(allowed.lowerBound)" : "\(allowed.lowerBound) to \(allowed.upperBound)") inputs, found \(inputs.count)")
            }
        }
        let shape0 = inputs.isEmpty ? [] : shapes[inputs[0]]
        switch operation {
        case .conv(let window, let group):
            try arity(2...3)
            let (c, h, w) = try Self.image(shape0)
            let weightShape = shapes[inputs[1]]
            guard let weight = constants[inputs[1]], weightShape.count == 4 else {
                throw ModelError("the weight must be a constant 4-D tensor [M, C/group, kH, kW], found shape \(weightShape)")
            }
            let m = weightShape[0]
            guard group >= 1, c % group == 0, m % group == 0, weightShape[1] * group == c else {
                throw ModelError("group = \(group) does not fit \(c) input channels and a weight of shape \(weightShape)")
            }
            var window = window
            guard window.kernel.isEmpty || window.kernel == [weightShape[2], weightShape[3]] else {
                throw ModelError("kernel_shape \(window.kernel) differs from the weight's \([weightShape[2], weightShape[3]])")
            }
            window.kernel = [weightShape[2], weightShape[3]]
            let (oh, ow) = try window.outputSize(height: h, width: w)
            var bias: [Double]?
            if inputs.count == 3 {
                guard let b = constants[inputs[2]], shapes[inputs[2]] == [m] else {
                    throw ModelError("the bias must be a constant of shape [\(m)], found \(shapes[inputs[2]])")
                }
                bias = b
            }
            var plan = ConvolutionPlan(
                channels: c, height: h, width: w, outChannels: m, outHeight: oh, outWidth: ow,
                kernelH: window.kernel[0], kernelW: window.kernel[1], group: group,
                strideH: window.strides[0], strideW: window.strides[1], padTop: window.pads[0], padLeft: window.pads[1],
                dilationH: window.dilations[0], dilationW: window.dilations[1], weight: weight, bias: bias,
                weightT: [])
            try reserve(weight.count)
            plan.weightT = ConvolutionPlan.transposedWeight(weight, outChannels: m, group: group,
                                                            patchSize: plan.patchSize)
            return (.conv(plan), [1, m, oh, ow])
        case .maxPool(let window), .averagePool(let window, _):
            try arity(1...1)
            let (c, h, w) = try Self.image(shape0)
            let (oh, ow) = try window.outputSize(height: h, width: w)
            let plan = PoolPlan(
                channels: c, height: h, width: w, outHeight: oh, outWidth: ow,
                kernelH: window.kernel[0], kernelW: window.kernel[1], strideH: window.strides[0],
                strideW: window.strides[1], padTop: window.pads[0], padLeft: window.pads[1],
                dilationH: window.dilations[0], dilationW: window.dilations[1])
            if case .averagePool(_, let includePad) = operation {
                return (.averagePool(plan, countIncludePad: includePad), [1, c, oh, ow])
            }
            return (.maxPool(plan), [1, c, oh, ow])
        case .globalAveragePool:
            try arity(1...1)
            let (c, h, w) = try Self.image(shape0)
            return (.globalAveragePool(channels: c, spatial: h * w), [1, c, 1, 1])
        case .batchNormalization(let epsilon):
            try arity(5...5)
            guard shape0.count >= 2, shape0[0] == 1 else { throw ModelError("expects an input [1, C, ...], found \(shape0)") }
            let c = shape0[1]
            var parameters: [[Double]] = []
            for index in inputs.dropFirst() {
                guard let data = constants[index], shapes[index] == [c] else {
                    throw ModelError("scale, B, mean and var must be constants of shape [\(c)], found \(shapes[index])")
                }
                parameters.append(data)
            }
            let scale = (0..<c).map { parameters[0][$0] / (parameters[3][$0] + epsilon).squareRoot() }
            let shift = (0..<c).map { parameters[1][$0] - parameters[2][$0] * scale[$0] }
            return (.batchNormalization(scale: scale, shift: shift, spatial: shape0.dropFirst(2).reduce(1, *)), shape0)
        case .gemm(let alpha, let beta, let transA, let transB):
            try arity(2...3)
            let a = shape0, b = shapes[inputs[1]]
            guard a.count == 2, b.count == 2 else { throw ModelError("A and B must be 2-D, found \(a) and \(b)") }
            let (m, k) = transA ? (a[1], a[0]) : (a[0], a[1])
            let (k2, n) = transB ? (b[1], b[0]) : (b[0], b[1])
            guard k == k2 else { throw ModelError("A \(a) and B \(b) do not multiply (transA \(transA), transB \(transB))") }
            var cMap: [Int]?
            if inputs.count == 3 {
                cMap = try broadcastMap(from: shapes[inputs[2]], to: [m, n]) ?? Array(0..<(m * n))
            }
            var constantB: (kn: [Double], nk: [Double])?
            if let data = constants[inputs[1]] {
                try reserve(2 * data.count)
                let transposed = Self.transpose(data, rows: b[0], columns: b[1])
                constantB = transB ? (transposed, data) : (data, transposed)
            }
            return (.gemm(GemmPlan(m: m, k: k, n: n, alpha: alpha, beta: beta, transA: transA, transB: transB,
                                   cMap: cMap, constantB: constantB)),
                    [m, n])
        case .matMul:
            try arity(2...2)
            let a = shape0, b = shapes[inputs[1]]
            guard a.count >= 2, b.count >= 2, a[a.count - 1] == b[b.count - 2],
                b.count == 2 || Array(a.dropLast(2)) == Array(b.dropLast(2))
            else { throw ModelError("unsupported MatMul shapes \(a) and \(b): B must be 2-D or share A's leading axes") }
            let m = a[a.count - 2], k = a[a.count - 1], n = b[b.count - 1]
            let batch = a.dropLast(2).reduce(1, *)
            var constantBT: [Double]?
            if b.count == 2, let data = constants[inputs[1]] {
                try reserve(data.count)
                constantBT = Self.transpose(data, rows: k, columns: n)
            }
            return (.matMul(MatMulPlan(batch: batch, m: m, k: k, n: n, batchedB: b.count > 2, constantBT: constantBT)),
                    a.dropLast(1) + [n])
        case .add, .sub, .mul, .div:
            try arity(2...2)
            let b = shapes[inputs[1]]
            let shape = try Self.broadcastShape(shape0, b)
            let op: BinaryOperator = switch operation {
            case .add: .add
            case .sub: .sub
            case .mul: .mul
            default: .div
            }
            return (.binary(op, a: try broadcastMap(from: shape0, to: shape), b: try broadcastMap(from: b, to: shape)), shape)
        case .relu, .leakyRelu, .elu, .sigmoid, .tanh:
            try arity(1...1)
            let op: UnaryOperator = switch operation {
            case .relu: .relu
            case .leakyRelu(let alpha): .leakyRelu(alpha)
            case .elu(let alpha): .elu(alpha)
            case .sigmoid: .sigmoid
            default: .tanh
            }
            return (.unary(op), shape0)
        case .softmax(let axis), .logSoftmax(let axis):
            try arity(1...1)
            let a = try Self.axis(axis, rank: shape0.count)
            let isLog = if case .logSoftmax = operation { true } else { false }
            return (.softmax(outer: shape0[..<a].reduce(1, *), axis: shape0[a], inner: shape0[(a + 1)...].reduce(1, *),
                             log: isLog), shape0)
        case .reshape(let shape):
            try arity(1...1)
            guard shape.reduce(1, *) == shape0.reduce(1, *), shape.allSatisfy({ $0 >= 0 }) else {
                throw ModelError("cannot reshape \(shape0) to \(shape)")
            }
            return (.copy, shape)
        case .transpose(let perm):
            try arity(1...1)
            guard perm.sorted() == Array(0..<shape0.count) else {
                throw ModelError("perm \(perm) is not a permutation of the \(shape0.count) axes")
            }
            let shape = perm.map { shape0[$0] }
            let count = shape.reduce(1, *)
            try reserve(count)
            var inStrides = [Int](repeating: 1, count: shape0.count)
            for axis in stride(from: shape0.count - 2, through: 0, by: -1) { inStrides[axis] = inStrides[axis + 1] * shape0[axis + 1] }
            var map = [Int](repeating: 0, count: count)
            var index = [Int](repeating: 0, count: shape.count)
            for i in 0..<count {
                var source = 0
                for axis in 0..<shape.count { source += index[axis] * inStrides[perm[axis]] }
                map[i] = source
                var axis = shape.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    if index[axis] < shape[axis] { break }
                    index[axis] = 0
                    axis -= 1
                }
            }
            return (.gather(map), shape)
        case .concat(let axis):
            guard !inputs.isEmpty else { throw ModelError("expects at least one input") }
            let a = try Self.axis(axis, rank: shape0.count)
            var shape = shape0
            shape[a] = 0
            for index in inputs {
                let s = shapes[index]
                guard s.count == shape0.count, s[..<a] == shape0[..<a], s[(a + 1)...] == shape0[(a + 1)...] else {
                    throw ModelError("inputs of shapes \(inputs.map { shapes[$0] }) cannot be joined along axis \(axis)")
                }
                shape[a] += s[a]
            }
            let inner = shape0[(a + 1)...].reduce(1, *)
            return (.concat(outer: shape0[..<a].reduce(1, *), chunks: inputs.map { shapes[$0][a] * inner }), shape)
        }
    }

    /// A row-major matrix transposed.
    static func transpose(_ data: [Double], rows: Int, columns: Int) -> [Double] {
        var result = [Double](repeating: 0, count: data.count)
        for i in 0..<rows { for j in 0..<columns { result[j * rows + i] = data[i * columns + j] } }
        return result
    }

    /// C, H, W of an image tensor [1, C, H, W].
    private static func image(_ shape: [Int]) throws(ModelError) -> (Int, Int, Int) {
        guard shape.count == 4, shape[0] == 1 else {
            throw ModelError("expects an image tensor [1, C, H, W] (batch 1), found shape \(shape)")
        }
        return (shape[1], shape[2], shape[3])
    }

    private static func axis(_ axis: Int, rank: Int) throws(ModelError) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < rank else { throw ModelError("axis \(axis) is out of range for rank \(rank)") }
        return resolved
    }

    /// NumPy broadcasting of two shapes.
    static func broadcastShape(_ a: [Int], _ b: [Int]) throws(ModelError) -> [Int] {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a, pb = [Int](repeating: 1, count: rank - b.count) + b
        var shape: [Int] = []
        for (x, y) in zip(pa, pb) {
            guard x == y || x == 1 || y == 1 else { throw ModelError("shapes \(a) and \(b) do not broadcast") }
            shape.append(x == 1 ? y : x)
        }
        return shape
    }

    /// For each element of `target`, the element of a tensor of shape `source` broadcast to it; nil when the
    /// shapes hold the same elements in the same order.
    private mutating func broadcastMap(from source: [Int], to target: [Int]) throws(ModelError) -> [Int]? {
        let count = target.reduce(1, *)
        if source.reduce(1, *) == count { return nil }
        guard source.count <= target.count else { throw ModelError("shape \(source) does not broadcast to \(target)") }
        try reserve(count)
        let padded = [Int](repeating: 1, count: target.count - source.count) + source
        var strides = [Int](repeating: 0, count: target.count)
        var step = 1
        for axis in stride(from: target.count - 1, through: 0, by: -1) {
            guard padded[axis] == target[axis] || padded[axis] == 1 else {
                throw ModelError("shape \(source) does not broadcast to \(target)")
            }
            strides[axis] = padded[axis] == 1 ? 0 : step
            step *= padded[axis]
        }
        var map = [Int](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: target.count)
        for i in 0..<count {
            var source = 0
            for axis in 0..<target.count { source += index[axis] * strides[axis] }
            map[i] = source
            var axis = target.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < target[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return map
    }
}
