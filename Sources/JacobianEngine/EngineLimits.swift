/// Bounds on everything an untrusted specification or request can make the engine do, so that no input can exhaust
/// memory, the stack or the CPU. Errors name the exceeded limit by its property name (`EngineError.limit`).
public struct EngineLimits: Sendable, Hashable {
    /// Unicode scalars in one output or definition. Default 10,000: far beyond any hand-written formula, and it lets
    /// a 10 MB expression be refused before it is read.
    public var maxExpressionLength: Int
    /// Unicode scalars in all outputs and definitions together. Default 1,000,000 (about 1 MB of text).
    public var maxSourceLength: Int
    /// Nodes of the compiled graph after sharing identical subexpressions (about one per operator, call or
    /// constant). Default 1,000,000: bounds compile memory and the per-call scratch (a few doubles per node).
    public var maxNodes: Int
    /// Inputs, vectors counted element by element (the Jacobian's columns). Default 10,000.
    public var maxInputs: Int
    /// Outputs (the Jacobian's rows). Default 10,000.
    public var maxOutputs: Int
    /// Nesting of parentheses, calls, unary signs and right-associative powers in one expression. Default 200: no
    /// real formula comes near it, and the parser keeps its operator stack on the heap anyway.
    public var maxNestingDepth: Int
    /// Points in one batch request. Default 100,000.
    public var maxBatchSize: Int
    /// Jacobian entries per point (rows × columns). Default 4,000,000 (32 MB of doubles).
    public var maxJacobianEntries: Int
    /// Numbers in a whole batch's results: points × rows × columns for Jacobians, points × rows for values alone.
    /// Default 10,000,000 (80 MB of doubles): a batch of many points of a large function must not add up to
    /// gigabytes when each point alone is within bounds.
    public var maxBatchEntries: Int
    /// Weights and biases of a network, all layers together. Default 1,000,000.
    public var maxNetworkParameters: Int
    /// Vectors in one request for products: tangents, cotangents or Hessian–vector directions. Default 1,000:
    /// beyond that many, the whole Jacobian or Hessian is cheaper to ask for.
    public var maxVectors: Int

    /// Limits with the documented defaults, each overridable.
    public init(
        maxExpressionLength: Int = 10_000,
        maxSourceLength: Int = 1_000_000,
        maxNodes: Int = 1_000_000,
        maxInputs: Int = 10_000,
        maxOutputs: Int = 10_000,
        maxNestingDepth: Int = 200,
        maxBatchSize: Int = 100_000,
        maxJacobianEntries: Int = 4_000_000,
        maxBatchEntries: Int = 10_000_000,
        maxNetworkParameters: Int = 1_000_000,
        maxVectors: Int = 1_000
    ) {
        self.maxExpressionLength = maxExpressionLength
        self.maxSourceLength = maxSourceLength
        self.maxNodes = maxNodes
        self.maxInputs = maxInputs
        self.maxOutputs = maxOutputs
        self.maxNestingDepth = maxNestingDepth
        self.maxBatchSize = maxBatchSize
        self.maxJacobianEntries = maxJacobianEntries
        self.maxBatchEntries = maxBatchEntries
        self.maxNetworkParameters = maxNetworkParameters
        self.maxVectors = maxVectors
    }
}
