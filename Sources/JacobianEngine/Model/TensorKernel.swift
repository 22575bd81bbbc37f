/// An operation planned for fixed shapes: the attributes, sizes and index maps its loops need, and its constant
/// operands (convolution weights, batch-normalization scales) folded in.
enum TensorKernel: Sendable {
    case conv(ConvolutionPlan)
    case maxPool(PoolPlan)
    case averagePool(PoolPlan, countIncludePad: Bool)
    case globalAveragePool(channels: Int, spatial: Int)
    case batchNormalization(scale: [Double], shift: [Double], spatial: Int)
    case gemm(GemmPlan)
    case matMul(MatMulPlan)
    /// Element-wise binary; an index map gives the operand's element for each output element (nil: the same).
    case binary(BinaryOperator, a: [Int]?, b: [Int]?)
    case unary(UnaryOperator)
    case softmax(outer: Int, axis: Int, inner: Int, log: Bool)
    case copy
    /// out[i] = in[map[i]] (Transpose).
    case gather([Int])
    /// For each outer index, each input's chunk (its axis length × inner) in turn.
    case concat(outer: Int, chunks: [Int])
}

enum BinaryOperator: Sendable { case add, sub, mul, div }

enum UnaryOperator: Sendable {
    case relu, leakyRelu(Double), elu(Double), sigmoid, tanh

    var name: String {
        switch self {
        case .relu: "Relu"
        case .leakyRelu: "LeakyRelu"
        case .elu: "Elu"
        case .sigmoid: "Sigmoid"
        case .tanh: "Tanh"
        }
    }
}

struct ConvolutionPlan: Sendable {
    var channels: Int, height: Int, width: Int
    var outChannels: Int, outHeight: Int, outWidth: Int
    var kernelH: Int, kernelW: Int, group: Int
    var strideH: Int, strideW: Int, padTop: Int, padLeft: Int, dilationH: Int, dilationW: Int
    /// [outChannels, channels / group, kernelH, kernelW], row-major.
    var weight: [Double]
    var bias: [Double]?
    /// Each group's weight transposed, [K × M/group] (`transposedWeight`), for the input gradient.
    var weightT: [Double]
    /// The lowered input's blocks, reused between evaluations.
    var scratch: BufferPool { .shared }
}

struct PoolPlan: Sendable {
    var channels: Int, height: Int, width: Int, outHeight: Int, outWidth: Int
    var kernelH: Int, kernelW: Int
    var strideH: Int, strideW: Int, padTop: Int, padLeft: Int, dilationH: Int, dilationW: Int
}

struct GemmPlan: Sendable {
    var m: Int, k: Int, n: Int
    var alpha: Double, beta: Double, transA: Bool, transB: Bool
    /// C's element for each output element, when there is a C.
    var cMap: [Int]?
    /// A constant B (a layer's weight) laid out for the matrix products, row-major: B' [k × n] for the output and
    /// B'ᵀ [n × k] for A's gradient. Nil when B is computed from the input (the general loops run then).
    var constantB: (kn: [Double], nk: [Double])?
}

struct MatMulPlan: Sendable {
    var batch: Int, m: Int, k: Int, n: Int
    /// Whether B has the same leading axes as A (otherwise one B for every batch).
    var batchedB: Bool
    /// A constant 2-D B transposed, [n × k], for A's gradient; nil otherwise (the general loops run then).
    var constantBT: [Double]?
}

extension TensorKernel {
    /// The multiply-adds (or comparisons) of one evaluation, saturating: what `maxOperations` bounds.
    func operations(outputCount: Int) -> Int {
        func product(_ factors: Int...) -> Int {
            factors.reduce(1) { total, factor in
                let (result, overflow) = total.multipliedReportingOverflow(by: max(factor, 1))
                return overflow ? Int.max : result
            }
        }
        switch self {
        case .conv(let plan): return product(outputCount, plan.channels / plan.group, plan.kernelH, plan.kernelW)
        case .maxPool(let plan), .averagePool(let plan, _): return product(outputCount, plan.kernelH, plan.kernelW)
        case .globalAveragePool(let channels, let spatial): return product(channels, spatial)
        case .gemm(let plan): return product(plan.m, plan.k, plan.n)
        case .matMul(let plan): return product(plan.batch, plan.m, plan.k, plan.n)
        case .softmax: return product(outputCount, 3)
        default: return outputCount
        }
    }
}
