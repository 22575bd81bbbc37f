/// What every compiled function kind provides: an immutable program that evaluates a function and its exact
/// Jacobian at a point. Expression functions (a flat instruction tape) and feed-forward networks (layer by layer)
/// both conform; `CompiledFunction` wraps one of them for callers.
///
/// Implementations must be immutable and thread-safe: one instance is shared by every connection of the server.
/// They report a NaN or infinite value or derivative by throwing an `EngineError` of kind `.nonFinite` that names the
/// output, the column and the operation that produced it (the caller adds the point index).
protocol DifferentiableProgram: Sendable {
    /// Length of a point.
    var inputCount: Int { get }
    /// Number of outputs: the Jacobian's rows.
    var outputCount: Int { get }
    /// Number of Jacobian columns: the inputs, or the parameters of a network differentiated with respect to them.
    var columnCount: Int { get }
    /// One name per Jacobian column, e.g. `x[0]`, `y`, `layers[0].weight[1][0]`.
    var columnNames: [String] { get }
    /// One name per Jacobian row, e.g. `outputs[0]` or `y[0]`.
    var rowNames: [String] { get }

    /// Writes the function's value at `point` (inputCount entries) into `value` (outputCount entries).
    func evaluate(at point: UnsafeBufferPointer<Double>, value: UnsafeMutableBufferPointer<Double>) throws(EngineError)

    /// Writes the value into `value` and the Jacobian, row-major (outputCount × columnCount), into `jacobian`,
    /// using forward mode (`.forward`) or reverse mode (`.reverse`); never called with `.auto`.
    func jacobian(
        at point: UnsafeBufferPointer<Double>,
        mode: DifferentiationMode,
        value: UnsafeMutableBufferPointer<Double>,
        jacobian: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError)

    /// Writes the value and `count` Jacobian–vector products J·v (`products`, count × outputCount), one per tangent
    /// in `tangents` (count × columnCount, row-major). Default: through the dense Jacobian.
    func jacobianVectorProducts(
        at point: UnsafeBufferPointer<Double>, tangents: UnsafeBufferPointer<Double>, count: Int,
        value: UnsafeMutableBufferPointer<Double>, products: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError)

    /// Writes the value and `count` vector–Jacobian products uᵀJ (`products`, count × columnCount), one per
    /// cotangent in `cotangents` (count × outputCount). Default: through the dense Jacobian.
    func vectorJacobianProducts(
        at point: UnsafeBufferPointer<Double>, cotangents: UnsafeBufferPointer<Double>, count: Int,
        value: UnsafeMutableBufferPointer<Double>, products: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError)

    /// The Jacobian's structural sparsity. Default: dense.
    var jacobianPattern: SparsityPattern { get }

    /// Sweeps a sparse Jacobian takes in `mode` (`.forward` or `.reverse`). Default: one per column or row.
    func sweepCount(_ mode: DifferentiationMode) -> Int

    /// Writes the value and the Jacobian's entries in `jacobianPattern` order into `entries`.
    func sparseJacobian(
        at point: UnsafeBufferPointer<Double>, mode: DifferentiationMode,
        value: UnsafeMutableBufferPointer<Double>, entries: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError)
}

/// Whether to differentiate with respect to the function's inputs or, for networks, its parameters.
public enum DifferentiationVariable: String, Codable, Hashable, Sendable {
    /// Columns are the inputs in declared order, vectors expanded element by element.
    case input
    /// Columns are a network's parameters, layer by layer, each weight row-major then its bias (PyTorch's
    /// `named_parameters` order).
    case parameters
}

/// How to accumulate derivatives.
public enum DifferentiationMode: String, Codable, Hashable, Sendable {
    /// Forward when the Jacobian has no more columns than rows, reverse otherwise.
    case auto
    /// One sweep carrying every tangent direction at once.
    case forward
    /// One reverse sweep per output row.
    case reverse
}
