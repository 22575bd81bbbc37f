import JacobianEngine

/// The solver stepped from a valid start to an iterate where the function is not defined or not finite
/// (a logarithm of a negative number, a division by zero...): the function's domain was left on the way, which is
/// neither the caller's start nor a divergence of finite numbers, so it is reported as what it is.
public struct IterateOutsideDomain: Error, Sendable, CustomStringConvertible {
    /// The iteration that produced the iterate, counted from 1 (the start is iteration 0); for the line searches
    /// of Levenberg–Marquardt and gradient descent, the iteration whose trial point it was.
    public let iteration: Int
    /// The iterate where the function failed.
    public let point: [Double]
    /// The engine's report at that point: which operation, output row and Jacobian column.
    public let cause: EngineError

    /// Creates the report.
    public init(iteration: Int, point: [Double], cause: EngineError) {
        self.iteration = iteration
        self.point = point
        self.cause = cause
    }

    /// "Iteration 3 stepped to x = [-0.5], outside the function's domain: the value of outputs[0] is nan ..."
    public var description: String {
        "iteration \(iteration) stepped to x = \(point), outside the function's domain: \(cause.message)"
    }
}
