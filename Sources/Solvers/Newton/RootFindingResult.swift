/// Why a root search stopped.
public enum RootFindingStatus: String, Codable, Hashable, Sendable, CaseIterable {
    /// ‖F(x)‖₂ ≤ tolerance at the returned point (always re-checked there).
    case converged
    /// The iteration budget ran out first.
    case maxIterations = "max_iterations"
    /// A step became shorter than stepTolerance·(1 + ‖x‖), or Levenberg–Marquardt / the line search could not
    /// find any step lowering ½‖F‖²: the iteration no longer moves.
    case stalled
    /// JᵀF vanishes to rounding while the residual is not small and J is rank-deficient (J of rank 0, or F
    /// orthogonal to the range of a J that has lost rank), so no Newton-type or gradient method can move from here.
    case singular
    /// JᵀF vanishes to rounding while the residual is not small and J has full column rank: a least-squares
    /// minimum of an overdetermined F (more equations than unknowns, no exact root near x), such as x − 1, x − 2,
    /// x − 3 at x = 2. Not a failure of the Jacobian; no method lowers ‖F‖ from here.
    case leastSquaresMinimum = "least_squares_minimum"
    /// The residual became non-finite or exceeded ``divergenceThreshold`` (1e100).
    case diverged

    /// Residual norm above which an iteration counts as diverged: far beyond any meaningful residual, yet low
    /// enough that ½‖F‖² (up to 1e200) is still finite, so the merit comparisons stay meaningful until then.
    public static let divergenceThreshold = 1e100
}

/// One point of a root search: x, F(x) and ‖F(x)‖₂.
public struct RootFindingIterate: Hashable, Sendable {
    /// The point x.
    public let point: [Double]
    /// F(x).
    public let value: [Double]
    /// ‖F(x)‖₂.
    public let residualNorm: Double
}

/// The outcome of ``solveRoots(_:from:options:)``.
public struct RootFindingResult: Hashable, Sendable {
    /// The first step taken, x₁ − x₀ with the step size applied; zeros when no step was taken.
    public let step: [Double]
    /// The last iterate.
    public let point: [Double]
    /// F at ``point``.
    public let value: [Double]
    /// ‖F(point)‖₂.
    public let residualNorm: Double
    /// Accepted steps taken (rejected Levenberg–Marquardt trials and line-search trials do not count).
    public let iterations: Int
    /// `status == .converged`.
    public var converged: Bool { status == .converged }
    /// Why the search stopped.
    public let status: RootFindingStatus
    /// A sentence explaining the status, with the numbers behind it.
    public let message: String
    /// Every accepted iterate, the start first: iterations + 1 entries.
    public let trajectory: [RootFindingIterate]
}
