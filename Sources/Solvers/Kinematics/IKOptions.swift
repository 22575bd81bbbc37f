/// How to turn the end-effector error e into a joint step Δθ (J is the weighted task Jacobian).
public enum IKMethod: String, Codable, Hashable, Sendable, CaseIterable {
    /// The tutorial's Δθ = pinv(J)·e (LAPACK SVD): exact for a reachable target near a good configuration,
    /// but unbounded near singularities.
    case pseudoinverse
    /// Damped least squares (Wampler; Nakamura & Hanafusa): Δθ = Jᵀ(JJᵀ + λ²I)⁻¹e with λ = damping.
    /// Bounded steps through singularities at the price of slower convergence.
    case dampedLeastSquares = "damped_least_squares"
    /// The Jacobian transpose Δθ = α·Jᵀe with Buss's step α = ⟨e, JJᵀe⟩/⟨JJᵀe, JJᵀe⟩: no matrix to solve,
    /// slow near the solution.
    case transpose
    /// Levenberg's adaptive damping (identity scaling, λI): Δθ = Jᵀ(JJᵀ + λI)⁻¹e, accepted only when ½‖e‖²
    /// decreases (then λ/3), otherwise retried with 3·λ (rejected trials do not count as iterations).
    case levenbergMarquardt = "levenberg_marquardt"
}

/// Which converged configuration a solve with restarts returns.
public enum IKPreference: String, Codable, Hashable, Sendable, CaseIterable {
    /// The first that converges: the start's own attempt if it converges, else the first restart that does.
    case first
    /// Every attempt within the budget runs, and the converged configuration closest to the start (Euclidean
    /// distance in joint space) is returned: TRAC-IK's Distance mode.
    case nearest
}

/// Settings of ``solveIK(chain:jointAngles:target:options:isCancelled:)``.
public struct IKOptions: Hashable, Sendable {
    /// The largest `maxIterations` accepted: each iteration keeps a configuration in the trajectory.
    public static let iterationLimit = 10_000
    /// The largest `restarts` accepted; the time limit usually ends a search long before.
    public static let restartLimit = 1_000
    /// Restarts of a solve (`maxIterations` above 1) when ``restarts`` is nil. Chosen by measurement on the UR5
    /// benchmark (`jacobian-bench ik-restarts`, docs/BENCHMARKS.md): Levenberg–Marquardt from one fixed start solved
    /// 89.78% of 10,000 random reachable poses with no restart, 99.52% with 5, 99.92% with 10 and all of them with
    /// 20, the hardest needing its 21st attempt (also with 50 allowed); 20 cost no more work per solve than 10.
    /// Unreachable targets pay for every restart, each cut short when it stalls.
    public static let defaultRestarts = 20
    /// ``timeLimit``'s default: a second, far above a solve of any ordinary arm (tens of microseconds, a few
    /// milliseconds when every restart runs), so it only stops searches that cannot succeed.
    public static let defaultTimeLimit = Duration.seconds(1)
    /// The largest ``stepSize``: on a linear model a step scaled by more than 2 overshoots by more than it corrects,
    /// so the error grows at every iteration; beyond that a step size only throws the joints far away.
    public static let maximumStepSize = 2.0

    /// Default `.pseudoinverse`, the tutorial's step.
    public var method: IKMethod
    /// Default 1: one step, the tutorial's "suggested joint angle adjustment". At most ``iterationLimit``.
    public var maxIterations: Int
    /// Default 1e-6: converged when the position error ‖e_p‖ (and the orientation error in radians, when asked)
    /// are at most this; a micrometre for a metre-sized arm, far below any actuator's resolution.
    public var tolerance: Double
    /// Default 1: the full step. Every method's step is multiplied by it before limits are applied.
    public var stepSize: Double
    /// Default nil, meaning ``defaultDamping(for:)``: λ of damped least squares, or Levenberg–Marquardt's
    /// initial λ. Unused by the pseudo-inverse and transpose methods.
    public var damping: Double?
    /// Default nil (unlimited): one [low, high] per joint. Every iterate is clamped into them, the start first.
    public var jointLimits: [[Double]]?
    /// Default nil (all 1): one non-negative weight per task-vector entry ([x, y(, z)] then orientation), which
    /// multiplies that entry of e and that row of J; 0 ignores an axis. Convergence is judged on weighted errors.
    public var weights: [Double]?
    /// Default true. False skips the trajectory (it then holds only the final configuration), for batch use.
    public var recordsTrajectory: Bool
    /// Default nil, meaning ``effectiveRestarts``: how many more attempts, each from a configuration drawn inside
    /// the joint limits, follow an attempt that stops without converging. 0 turns restarts off.
    public var restarts: Int?
    /// Default ``defaultTimeLimit``: wall-clock time the whole search (every attempt) may take; nil for none. When it
    /// runs out the best configuration so far is returned with status `timeout`.
    public var timeLimit: Duration?
    /// Default `.first`.
    public var preference: IKPreference

    /// Options with the documented defaults.
    public init(method: IKMethod = .pseudoinverse, maxIterations: Int = 1, tolerance: Double = 1e-6,
                stepSize: Double = 1, damping: Double? = nil, jointLimits: [[Double]]? = nil,
                weights: [Double]? = nil, recordsTrajectory: Bool = true, restarts: Int? = nil,
                timeLimit: Duration? = IKOptions.defaultTimeLimit, preference: IKPreference = .first) {
        self.method = method
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.stepSize = stepSize
        self.damping = damping
        self.jointLimits = jointLimits
        self.weights = weights
        self.recordsTrajectory = recordsTrajectory
        self.restarts = restarts
        self.timeLimit = timeLimit
        self.preference = preference
    }

    /// The restarts in force: ``restarts`` if given; otherwise none for a single step (the tutorial's adjustment,
    /// `maxIterations` ≤ 1, stays one step) and ``defaultRestarts`` for a solve.
    public var effectiveRestarts: Int { restarts ?? (maxIterations <= 1 ? 0 : Self.defaultRestarts) }

    /// The damping used when ``damping`` is nil: 0.5 for damped least squares and 0.1 for Levenberg–Marquardt's
    /// initial λ; 0 otherwise (unused).
    ///
    /// Damped least squares multiplies an error component along singular value σ by σ/(σ² + λ²) ≤ 1/(2λ), so λ
    /// bounds the step per unit of error. With the tutorial's arm (1 + 0.8) and a target 0.7 beyond reach,
    /// λ = 0.1 lets the arm spin chaotically and λ = 0.2–0.3 settle bent, while λ = 0.5 settles stretched
    /// towards the target; the price is speed (12 iterations instead of 5 on the three-joint exercise).
    /// Levenberg–Marquardt adapts λ anyway; starting at 0.1 (squared singular values of a metre-sized arm are
    /// of order 0.01–1) wasted fewer rejected trials on the UR5 benchmark than 1e-3, which overshoots from far
    /// away (20.7 against 32.8 evaluations per target).
    public static func defaultDamping(for method: IKMethod) -> Double {
        switch method {
        case .dampedLeastSquares: 0.5
        case .levenbergMarquardt: 0.1
        case .pseudoinverse, .transpose: 0
        }
    }

    /// The damping in force: ``damping`` or the method's default.
    public var effectiveDamping: Double { damping ?? Self.defaultDamping(for: method) }
}
