/// One operation of a tensor graph, with its attributes resolved at import (ONNX names in comments). Shapes are
/// static: the graph is compiled for one input shape, with a batch dimension of 1.
public enum TensorOperation: Sendable, Hashable {
    /// 2-D convolution (Conv): inputs X [1, C, H, W], W [M, C/group, kH, kW] (constant), optional B [M] (constant).
    case conv(Window, group: Int)
    /// 2-D max pooling (MaxPool); the gradient goes to the first maximum of each window, as in PyTorch.
    case maxPool(Window)
    /// 2-D average pooling (AveragePool); `countIncludePad` divides by the whole window, padding included.
    case averagePool(Window, countIncludePad: Bool)
    /// Mean over H and W (GlobalAveragePool): [1, C, H, W] → [1, C, 1, 1].
    case globalAveragePool
    /// Inference batch normalization: inputs X, scale, B, mean, var (all but X constant), per channel (axis 1).
    case batchNormalization(epsilon: Double)
    /// Y = alpha·A'·B' + beta·C (Gemm), A and B 2-D, C broadcast to the result.
    case gemm(alpha: Double, beta: Double, transA: Bool, transB: Bool)
    /// Matrix product over the last two axes (MatMul); B 2-D or with the same leading axes as A.
    case matMul
    /// Element-wise with NumPy broadcasting (Add, Sub, Mul, Div).
    case add, sub, mul, div
    /// Element-wise activations.
    case relu, leakyRelu(alpha: Double), elu(alpha: Double), sigmoid, tanh
    /// Softmax and log-softmax along one axis (opset 13 semantics).
    case softmax(axis: Int), logSoftmax(axis: Int)
    /// The same elements in a new shape: Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout at inference.
    case reshape([Int])
    /// Axes permuted (Transpose): output axis i is input axis perm[i].
    case transpose([Int])
    /// Inputs joined along one axis (Concat).
    case concat(axis: Int)
}

/// The spatial attributes of a convolution or pooling window, two spatial dimensions.
public struct Window: Sendable, Hashable {
    /// Kernel height and width (for Conv: taken from the weight's shape).
    public var kernel: [Int]
    /// Steps along H and W.
    public var strides: [Int]
    /// Padding: top, left, bottom, right (ONNX order: begins then ends).
    public var pads: [Int]
    /// Spacing of kernel taps along H and W.
    public var dilations: [Int]

    public init(kernel: [Int], strides: [Int] = [1, 1], pads: [Int] = [0, 0, 0, 0], dilations: [Int] = [1, 1]) {
        self.kernel = kernel
        self.strides = strides
        self.pads = pads
        self.dilations = dilations
    }

    /// Output height and width for an input of `height` × `width`, or an error when the window does not fit.
    func outputSize(height: Int, width: Int) throws(ModelError) -> (Int, Int) {
        guard kernel.count == 2, strides.count == 2, pads.count == 4, dilations.count == 2 else {
            throw ModelError("only 2-D windows are supported (kernel \(kernel), strides \(strides), pads \(pads), dilations \(dilations))")
        }
        guard kernel.allSatisfy({ $0 >= 1 && $0 <= 1 << 16 }), strides.allSatisfy({ $0 >= 1 && $0 <= 1 << 16 }),
            dilations.allSatisfy({ $0 >= 1 && $0 <= 1 << 16 }), pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 16 })
        else { throw ModelError("kernel, strides and dilations must be positive and pads non-negative (at most 65536)") }
        let extentH = dilations[0] * (kernel[0] - 1) + 1, extentW = dilations[1] * (kernel[1] - 1) + 1
        let paddedH = height + pads[0] + pads[2], paddedW = width + pads[1] + pads[3]
        guard paddedH >= extentH, paddedW >= extentW else {
            throw ModelError("the window (\(extentH)×\(extentW) with dilations) is larger than the padded input (\(paddedH)×\(paddedW))")
        }
        return ((paddedH - extentH) / strides[0] + 1, (paddedW - extentW) / strides[1] + 1)
    }
}

extension TensorOperation {
    /// The ONNX-style name used in messages.
    var name: String {
        switch self {
        case .conv: "Conv"
        case .maxPool: "MaxPool"
        case .averagePool: "AveragePool"
        case .globalAveragePool: "GlobalAveragePool"
        case .batchNormalization: "BatchNormalization"
        case .gemm: "Gemm"
        case .matMul: "MatMul"
        case .add: "Add"
        case .sub: "Sub"
        case .mul: "Mul"
        case .div: "Div"
        case .relu: "Relu"
        case .leakyRelu: "LeakyRelu"
        case .elu: "Elu"
        case .sigmoid: "Sigmoid"
        case .tanh: "Tanh"
        case .softmax: "Softmax"
        case .logSoftmax: "LogSoftmax"
        case .reshape: "Reshape"
        case .transpose: "Transpose"
        case .concat: "Concat"
        }
    }
}
