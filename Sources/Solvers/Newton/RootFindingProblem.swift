import JacobianEngine

/// A system F(x) = 0 of m equations in n unknowns, given by a closure returning F(x) and its m×n Jacobian.
///
/// The closure may throw (an engine reporting a non-finite value, say); ``solveRoots(_:from:options:)``
/// rethrows that error unchanged so the caller can map it to its own response.
public struct RootFindingProblem {
    /// n, the length of a point.
    public let dimension: Int
    /// F(x) and its Jacobian ∂F/∂x (m×n, the same m at every point).
    public let evaluate: (_ x: [Double]) throws -> (value: [Double], jacobian: Matrix)

    /// A problem in `dimension` unknowns.
    public init(dimension: Int, evaluate: @escaping (_ x: [Double]) throws -> (value: [Double], jacobian: Matrix)) {
        self.dimension = dimension
        self.evaluate = evaluate
    }
}

/// How to step towards a root.
public enum RootFindingMethod: String, Codable, Hashable, Sendable, CaseIterable {
    /// The tutorial's step x ← x − step_size·pinv(J)·F(x). Newton's method for square systems, Gauss–Newton
    /// (least squares) for non-square ones; no safeguard, so a large step size can oscillate or diverge.
    case newton
    /// Levenberg's damped Gauss–Newton, (JᵀJ + λI)·δ = −JᵀF, with λ adapted: a step that lowers ½‖F‖² is
    /// accepted and λ divided by 10, otherwise λ is multiplied by 10 and the step retried (not counted).
    case levenbergMarquardt = "levenberg_marquardt"
    /// Steepest descent on ½‖F‖² (gradient JᵀF) with a backtracking Armijo line search starting at step_size.
    case gradientDescent = "gradient_descent"
}

/// Settings of ``solveRoots(_:from:options:)``.
public struct NewtonOptions: Hashable, Sendable {
    /// The largest `maxIterations` accepted: each iteration keeps a point in the trajectory, so this bounds memory.
    public static let iterationLimit = 10_000

    /// Default `.newton`: the tutorial's method, the one whose numbers the fixture pins.
    public var method: RootFindingMethod
    /// Default 1, a full Newton step (the tutorial uses 0.1 to show the path). Scales every step; for gradient
    /// descent it is the first trial of the line search.
    public var stepSize: Double
    /// Default 1: one step, what "a Newton step" asks for. At most ``iterationLimit``.
    public var maxIterations: Int
    /// Default 1e-10: converged when ‖F(x)‖₂ ≤ tolerance; well above double rounding for residuals of order 1.
    public var tolerance: Double
    /// Default 1e-14: stalled when a step is shorter than stepTolerance·(1 + ‖x‖), a few ulps of x, where
    /// further steps cannot change x any more.
    public var stepTolerance: Double
    /// Default 1e-3: Levenberg–Marquardt's initial λ, small so that a good first step is nearly Gauss–Newton;
    /// it grows by 10 on each rejected step. Unused by the other methods.
    public var damping: Double

    /// Options with the documented defaults.
    public init(method: RootFindingMethod = .newton, stepSize: Double = 1, maxIterations: Int = 1,
                tolerance: Double = 1e-10, stepTolerance: Double = 1e-14, damping: Double = 1e-3) {
        self.method = method
        self.stepSize = stepSize
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.stepTolerance = stepTolerance
        self.damping = damping
    }

    /// Throws a ``SolverInputError`` naming the first unusable setting.
    func validate() throws {
        typealias Check = SolverInputError<RootFindingInput>
        try Check.requirePositive(stepSize, at: .stepSize)
        try Check.requireIterationCount(maxIterations, limit: Self.iterationLimit, at: .maxIterations)
        try Check.requireNonNegative(tolerance, at: .tolerance)
        try Check.requireNonNegative(stepTolerance, at: .stepTolerance)
        try Check.requirePositive(damping, at: .damping)
    }
}
