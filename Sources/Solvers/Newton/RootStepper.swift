import JacobianEngine

/// One step of each root-finding method, and the state that persists between steps (λ for Levenberg–Marquardt).
struct RootStepper {
    /// What a step attempt produced.
    enum Outcome {
        /// An accepted new iterate.
        case moved(RootEvaluation)
        /// No step possible; the status and the sentence explaining it.
        case stopped(RootFindingStatus, String)
    }

    let problem: RootFindingProblem
    let options: NewtonOptions
    /// Levenberg–Marquardt's current damping λ.
    var lambda: Double
    /// Rows of F, fixed by the first evaluation.
    private var rows: Int?

    /// Armijo's sufficient-decrease constant, the customary 1e-4 (Nocedal & Wright, §3.1).
    static let armijoConstant = 1e-4
    /// Line-search halvings before giving up: 2⁻⁶⁰ shrinks any step below a double's resolution of x.
    static let maximumHalvings = 60
    /// λ beyond which Levenberg–Marquardt stops: the step is then ≈ −JᵀF/λ, below any step tolerance.
    static let maximumLambda = 1e300

    init(problem: RootFindingProblem, options: NewtonOptions) {
        self.problem = problem
        self.options = options
        self.lambda = options.damping
    }

    /// Iterations done so far; the next evaluation after the start belongs to iteration `iteration + 1`.
    var iteration = 0

    /// Evaluates F and J at x. A closure returning inconsistent shapes breaks its contract and traps. A non-finite
    /// result past the start is `IterateOutsideDomain`: the start was fine, the solver left the domain.
    mutating func evaluate(_ x: [Double]) throws -> RootEvaluation {
        let (value, jacobian): ([Double], Matrix)
        do {
            (value, jacobian) = try problem.evaluate(x)
        } catch let error as EngineError where error.kind == .nonFinite && rows != nil {
            throw IterateOutsideDomain(iteration: iteration + 1, point: x, cause: error)
        }
        precondition(jacobian.rows == value.count && jacobian.columns == problem.dimension,
                     "the Jacobian must be \(value.count)×\(problem.dimension), got \(jacobian.rows)×\(jacobian.columns)")
        precondition(rows == nil || rows == value.count, "F must have the same length at every point")
        rows = value.count
        return RootEvaluation(
            point: x, value: value, jacobian: jacobian, residualNorm: LinearAlgebra.norm(value),
            valueIsFinite: value.allSatisfy(\.isFinite), jacobianIsFinite: jacobian.storage.allSatisfy(\.isFinite))
    }

    mutating func advance(from current: RootEvaluation) throws -> Outcome {
        switch options.method {
        case .newton: return try newtonStep(from: current)
        case .levenbergMarquardt: return try levenbergMarquardtStep(from: current)
        case .gradientDescent: return try gradientDescentStep(from: current)
        }
    }

    /// The shortest step that still counts as moving from x.
    func minimumStep(at x: [Double]) -> Double {
        options.stepTolerance * (1 + LinearAlgebra.norm(x))
    }

    /// x ← x − step_size·pinv(J)·F, always accepted: the tutorial's update.
    private mutating func newtonStep(from current: RootEvaluation) throws -> Outcome {
        let gradient = LinearAlgebra.multiplyTransposed(current.jacobian, current.value)
        if let stop = stationaryStop(current, gradient: gradient) { return stop }
        let direction = LinearAlgebra.multiply(try LinearAlgebra.pseudoInverse(current.jacobian), current.value)
        let step = direction.map { -options.stepSize * $0 }
        let length = LinearAlgebra.norm(step)
        if length < minimumStep(at: current.point) {
            return stalled(current, stepLength: length, why: "the Newton step no longer changes x")
        }
        return .moved(try evaluate(zip(current.point, step).map { $0 + $1 }))
    }

    /// Solves (JᵀJ + λI)·δ = −JᵀF by Cholesky and retries with 10·λ until ½‖F‖² decreases.
    private mutating func levenbergMarquardtStep(from current: RootEvaluation) throws -> Outcome {
        let gradient = LinearAlgebra.multiplyTransposed(current.jacobian, current.value)
        if let stop = stationaryStop(current, gradient: gradient) { return stop }
        let normal = LinearAlgebra.multiply(current.jacobian.transposed, current.jacobian)
        let negativeGradient = gradient.map { -$0 }
        while lambda <= Self.maximumLambda {
            var damped = normal
            for i in 0..<damped.rows { damped[i, i] += lambda }
            guard let delta = try? LinearAlgebra.solveSymmetricPositiveDefinite(damped, negativeGradient) else {
                lambda *= 10  // JᵀJ + λI lost definiteness to rounding: more damping restores it
                continue
            }
            let step = delta.map { options.stepSize * $0 }
            let length = LinearAlgebra.norm(step)
            if length < minimumStep(at: current.point) {
                return stalled(current, stepLength: length, why: "no damped step lowers ½‖F‖² (λ = \(lambda))")
            }
            let trial = try evaluate(zip(current.point, step).map { $0 + $1 })
            if !trial.isDivergent, current.costChange(to: trial) < 0 {
                lambda = max(lambda / 10, Double.leastNormalMagnitude)
                return .moved(trial)
            }
            lambda *= 10
        }
        return stalled(current, why: "no step lowered ½‖F‖² even with damping λ = \(Self.maximumLambda)")
    }

    /// x ← x − t·JᵀF with t halved from step_size until Armijo's sufficient decrease holds.
    private mutating func gradientDescentStep(from current: RootEvaluation) throws -> Outcome {
        let gradient = LinearAlgebra.multiplyTransposed(current.jacobian, current.value)
        if let stop = stationaryStop(current, gradient: gradient) { return stop }
        let gradientSquared = LinearAlgebra.dot(gradient, gradient)
        var t = options.stepSize
        for _ in 0...Self.maximumHalvings {
            let step = gradient.map { -t * $0 }
            let length = LinearAlgebra.norm(step)
            if length < minimumStep(at: current.point) {
                return stalled(current, stepLength: length, why: "the line search found no sufficient decrease")
            }
            let trial = try evaluate(zip(current.point, step).map { $0 + $1 })
            if !trial.isDivergent, current.costChange(to: trial) <= -Self.armijoConstant * t * gradientSquared {
                return .moved(trial)
            }
            t /= 2
        }
        return stalled(current, why: "\(Self.maximumHalvings) halvings of the step found no sufficient decrease of ½‖F‖²")
    }
}
