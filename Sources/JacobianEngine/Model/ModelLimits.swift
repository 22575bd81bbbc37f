/// Bounds on imported models, each checked before the memory it guards is allocated and named in its error.
public struct ModelLimits: Sendable, Hashable {
    /// Largest serialized model, in bytes. Default 16 MiB, the server's default body limit (a PUT needs both).
    public var maxModelBytes: Int
    /// Most nodes (operators) in a graph. Default 10,000.
    public var maxNodes: Int
    /// Most elements of any tensor: an input, a weight or an intermediate result. Default 16,777,216 (128 MiB of
    /// float64).
    public var maxTensorElements: Int
    /// Most elements of all tensors of a graph together, weights and intermediates: what one evaluation holds.
    /// Default 67,108,864 (512 MiB of float64).
    public var maxTotalElements: Int
    /// Most Jacobian entries (outputs × input elements) one request may ask for. Default 4,194,304.
    public var maxJacobianEntries: Int
    /// Most models the repository holds at once. Default 64.
    public var maxModels: Int
    /// Most multiply-adds (and comparisons, for pooling) one evaluation of a graph may take, estimated at build
    /// time: bounds the time of a request whatever the shapes and windows. Default 2³⁰ (about a second).
    public var maxOperations: Int
    /// Most multiply-adds one request may take over all its sweeps (an evaluation, a Jacobian row, a product, a
    /// perturbation or a gradient check's evaluations each cost about `maxOperations`' estimate of the graph).
    /// Default 2³⁴ (seconds, not minutes).
    public var maxRequestOperations: Int

    public init(
        maxModelBytes: Int = 16 << 20, maxNodes: Int = 10_000, maxTensorElements: Int = 1 << 24,
        maxTotalElements: Int = 1 << 26, maxJacobianEntries: Int = 1 << 22, maxModels: Int = 64,
        maxOperations: Int = 1 << 30, maxRequestOperations: Int = 1 << 34
    ) {
        self.maxOperations = maxOperations
        self.maxRequestOperations = maxRequestOperations
        self.maxModelBytes = maxModelBytes
        self.maxNodes = maxNodes
        self.maxTensorElements = maxTensorElements
        self.maxTotalElements = maxTotalElements
        self.maxJacobianEntries = maxJacobianEntries
        self.maxModels = maxModels
    }
}

/// Why a model cannot be imported or compiled: names the node and its operator where there is one, and the limit
/// when one was exceeded.
public struct ModelError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A complete sentence.
    public var message: String
    /// The node's name (or "#index" when it has none), when the problem is in a node.
    public var node: String?
    /// The node's operator type, e.g. "Conv".
    public var op: String?
    /// The `ModelLimits` property exceeded, if any.
    public var limit: String?

    public init(_ message: String, node: String? = nil, op: String? = nil, limit: String? = nil) {
        self.message = message
        self.node = node
        self.op = op
        self.limit = limit
    }

    public var description: String { message }

    /// The same error attributed to a node, its message prefixed with where it happened.
    public func at(node: String, op: String) -> ModelError {
        guard self.node == nil else { return self }
        return ModelError("node '\(node)' (\(op)): \(message)", node: node, op: op, limit: limit)
    }
}

/// Element counts with overflow and limit checks, before anything is allocated.
public enum TensorSize {
    /// The number of elements of `shape`, or an error when a dimension is negative or the product exceeds
    /// `limits.maxTensorElements` (overflow included).
    public static func elements(of shape: [Int], limits: ModelLimits, what: String) throws(ModelError) -> Int {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { throw ModelError("\(what) has a negative dimension in shape \(shape)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= limits.maxTensorElements else {
                throw ModelError("\(what) of shape \(shape) has more elements than the limit maxTensorElements = \(limits.maxTensorElements)",
                                 limit: "maxTensorElements")
            }
            count = product
        }
        return count
    }
}
