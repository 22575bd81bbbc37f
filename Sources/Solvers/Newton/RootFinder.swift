import JacobianEngine

/// Searches for x with F(x) = 0 from `x0`, by the method in `options`.
///
/// The loop stops at the first of: ‖F(x)‖₂ ≤ tolerance, a non-finite or huge residual, the iteration budget,
/// or a method-specific stop (zero step: singular; too-short step or no decrease: stalled). The status is then
/// decided at the returned point, converged first: a point within tolerance is reported converged whatever
/// stopped the loop.
///
/// - Throws: ``SolverInputError`` of ``RootFindingInput`` for a start of the wrong length, non-finite start or
///   unusable options;
///   ``IterateOutsideDomain`` when `problem.evaluate` reports a non-finite result (`EngineError.nonFinite`) at an
///   iterate past the start; whatever else `problem.evaluate` throws, unchanged; ``LinearAlgebraError`` if LAPACK fails.
public func solveRoots(
    _ problem: RootFindingProblem, from x0: [Double], options: NewtonOptions = NewtonOptions()
) throws -> RootFindingResult {
    guard x0.count == problem.dimension else {
        throw SolverInputError(RootFindingInput.point(index: nil), "must have \(problem.dimension) entries, got \(x0.count)")
    }
    try SolverInputError.requireFinite(x0, at: RootFindingInput.point)
    try options.validate()

    var stepper = RootStepper(problem: problem, options: options)
    var current = try stepper.evaluate(x0)
    var trajectory = [current.iterate]
    var firstStep: [Double]?
    var stop: (status: RootFindingStatus, message: String)?

    while current.residualNorm > options.tolerance, trajectory.count - 1 < options.maxIterations {
        if current.isDivergent { break }
        stepper.iteration = trajectory.count - 1
        switch try stepper.advance(from: current) {
        case .moved(let next):
            if firstStep == nil { firstStep = zip(next.point, current.point).map { $0 - $1 } }
            current = next
            trajectory.append(current.iterate)
        case .stopped(let status, let reason):
            stop = (status, reason)
        }
        if stop != nil { break }
    }

    let iterations = trajectory.count - 1
    let status: RootFindingStatus
    let message: String
    if current.residualNorm <= options.tolerance {
        status = .converged
        message = "Converged: ‖F(x)‖ = \(current.residualNorm) ≤ tolerance \(options.tolerance) after \(iterations) iteration(s)."
    } else if current.isDivergent {
        status = .diverged
        message = "Diverged after \(iterations) iteration(s): ‖F(x)‖ = \(current.residualNorm)"
            + (current.valueIsFinite && current.jacobianIsFinite
                ? " exceeds \(RootFindingStatus.divergenceThreshold)."
                : ", F(x) or its Jacobian is no longer finite.")
    } else if let stop {
        (status, message) = stop
    } else {
        status = .maxIterations
        message = "Stopped after \(iterations) iteration(s), the max_iterations limit, with ‖F(x)‖ = "
            + "\(current.residualNorm) > tolerance \(options.tolerance)."
    }
    return RootFindingResult(
        step: firstStep ?? [Double](repeating: 0, count: x0.count), point: current.point, value: current.value,
        residualNorm: current.residualNorm, iterations: iterations, status: status, message: message,
        trajectory: trajectory)
}

/// F and J at one point, with the derived quantities every method needs.
struct RootEvaluation {
    let point: [Double]
    let value: [Double]
    let jacobian: Matrix
    let residualNorm: Double
    let valueIsFinite: Bool
    let jacobianIsFinite: Bool

    /// ½‖F(trial)‖² − ½‖F(x)‖², the change of the merit function Levenberg–Marquardt and gradient descent
    /// decrease, computed as ½·Σ(tᵢ − fᵢ)(tᵢ + fᵢ) so that it keeps its digits.
    ///
    /// Near a minimum with a nonzero residual the two costs agree to rounding once x is within about √ε of it, so
    /// comparing them would judge steps by rounding noise: accept steps that do not descend and wander at
    /// ‖x − x*‖ ≈ 1e-8, or reject every step and stall there, differently with each BLAS.
    func costChange(to trial: RootEvaluation) -> Double {
        var sum = 0.0
        for (t, f) in zip(trial.value, value) { sum += (t - f) * (t + f) }
        return 0.5 * sum
    }

    var isDivergent: Bool {
        !valueIsFinite || !jacobianIsFinite || !(residualNorm <= RootFindingStatus.divergenceThreshold)
    }

    var iterate: RootFindingIterate { RootFindingIterate(point: point, value: value, residualNorm: residualNorm) }
}
