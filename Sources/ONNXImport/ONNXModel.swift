import JacobianEngine

/// A model imported from ONNX: the function it computes and what describes it.
public struct ONNXModel: Sendable {
    /// The compiled graph as a function of the input's elements.
    public let function: ModelFunction
    /// The graph input's and output's names and shapes (a dynamic batch dimension reads as 1).
    public let inputName: String
    public let inputShape: [Int]
    public let outputName: String
    public let outputShape: [Int]
    /// How many nodes of each operator type the ONNX graph holds.
    public let operatorCounts: [String: Int]
    /// Elements of the floating-point initializers: the trained parameters.
    public let parameterCount: Int
    /// The default-domain opset the model imports.
    public let opset: Int
    /// `producer_name` and `producer_version`, e.g. "pytorch 2.13.0".
    public let producer: String
}
