import JacobianEngine

extension IKWorkspace {
    /// The task vector of an evaluation: position, then φ (planar) or the rotation vector (spatial) when an
    /// orientation is asked.
    func taskVector(_ e: IKEvaluation) -> [Double] {
        var vector = Array(e.position[0..<positionSize])
        if hasOrientation {
            if isPlanar {
                vector.append(e.angle)
            } else {
                vector += Rotation(unchecked: Array(e.rotation)).rotationVector
            }
        }
        return vector
    }

    /// The trajectory entry of an evaluation.
    func iterate(_ e: IKEvaluation) -> IKIterate {
        IKIterate(jointAngles: e.jointArray, endEffector: taskVector(e), errorNorm: e.positionError)
    }

    /// Singular values of the current task Jacobian, descending (LAPACK, no heap allocation for small chains).
    private func currentSingularValues() throws -> [Double] {
        let count = min(taskSize, jointCount)
        let copy = UnsafeMutableBufferPointer<Double>.allocate(capacity: taskSize * jointCount)
        defer { copy.deallocate() }
        _ = copy.initialize(from: current.jacobian)
        var sigma = [Double](repeating: 0, count: count)
        let info = sigma.withUnsafeMutableBufferPointer {
            LinearAlgebra.singularValuesInPlace(copy.baseAddress!, rows: taskSize, columns: jointCount, into: $0.baseAddress!)
        }
        if info != 0 { throw LinearAlgebraError("singular value decomposition of the Jacobian failed (info \(info))") }
        return sigma
    }

    /// Classifies the finished run (precedence of ``IKStatus``) and assembles the answer.
    func result(chain: KinematicChain, target: IKTarget, options: IKOptions, run: IKRun, search: IKSearch,
                delta: [Double], finalIterate: IKIterate) throws -> IKResult {
        let e = current
        let sigma = try currentSingularValues()
        let largest = sigma.first ?? 0, smallest = sigma.last ?? 0
        let manipulability = taskSize <= jointCount ? sigma.reduce(1, *) : 0
        let singularConfiguration = smallest <= IKStatusRules.singularRatio * largest
        let distance = LinearAlgebra.norm(target.position)
        let reach = chain.reach(limits: options.jointLimits)
        let inner = chain.innerReach
        let gradientVanishes = run.iterations + (run.noProgress ? 1 : 0) > 0
            && relativeGradient <= IKStatusRules.vanishingGradient

        let status: IKStatus
        var cause = IKStatusDetails.Cause.budget
        if isConverged(tolerance: options.tolerance) {
            (status, cause) = (.converged, .withinTolerance)
        } else if let reach, distance > reach + options.tolerance {
            (status, cause) = (.unreachable, .beyondReach(distance: distance, reach: reach))
        } else if distance < inner - options.tolerance {
            (status, cause) = (.unreachable, .insideInnerRadius(distance: distance, radius: inner))
        } else if search.interrupted {
            (status, cause) = (.timeout, .interrupted(limit: options.timeLimit))
        } else if gradientVanishes, !singularConfiguration {
            (status, cause) = (.unreachable, .localMinimum)
        } else if run.lastStepClipped {
            (status, cause) = (.jointLimits, .clippedStep)
        } else if singularConfiguration || gradientVanishes {
            (status, cause) = (.singular, .singularJacobian(smallest: smallest, largest: largest))
        } else if run.noProgress {
            (status, cause) = (.unreachable, .noDescent)
        } else if run.stalled {
            (status, cause) = (.maxIterations, .stalled)
        } else {
            status = .maxIterations
        }
        let details = IKStatusDetails(
            cause: cause, positionError: e.positionError, orientationError: hasOrientation ? e.orientationError : nil,
            tolerance: options.tolerance, iterations: run.iterations, search: search)
        return IKResult(
            delta: delta, jointAngles: finalIterate.jointAngles, endEffector: finalIterate.endEffector,
            endEffectorRotation: isPlanar ? nil : Rotation(unchecked: Array(e.rotation)),
            error: Array(e.error), errorNorm: e.positionError, orientationError: details.orientationError,
            jacobian: Matrix(rows: taskSize, columns: jointCount, storage: Array(e.jacobian)),
            manipulability: manipulability, minSingularValue: smallest, iterations: run.iterations,
            attempts: search.attempts, evaluations: evaluations, status: status, details: details, trajectory: run.trajectory)
    }
}

/// The numbers behind a status, kept so that ``IKResult/message`` is written only when someone reads it
/// (formatting a handful of doubles costs more than a whole IK iteration).
struct IKStatusDetails: Hashable, Sendable {
    enum Cause: Hashable, Sendable {
        case withinTolerance
        case beyondReach(distance: Double, reach: Double)
        case insideInnerRadius(distance: Double, radius: Double)
        case localMinimum
        case clippedStep
        case singularJacobian(smallest: Double, largest: Double)
        case noDescent
        case interrupted(limit: Duration?)
        case stalled
        case budget
    }

    let cause: Cause
    let positionError: Double
    let orientationError: Double?
    let tolerance: Double
    let iterations: Int
    let search: IKSearch

    var message: String { sentence + attemptsNote }

    /// Says how many attempts were made when there was more than one (or more were allowed and none converged).
    private var attemptsNote: String {
        let restarts = search.attempts - 1
        let made = "\(search.attempts) attempt(s): 1 from joint_angles and \(restarts) restart(s) from seeded random "
            + "configurations"
        if case .withinTolerance = cause {
            return search.attempts > 1 ? " Found by attempt \(search.returnedAttempt) of \(made)." : ""
        }
        if search.allowedAttempts == 1 { return "" }
        return " Closest of \(made) (attempt \(search.returnedAttempt) shown)."
    }

    private var sentence: String {
        let errors = "position error \(positionError)" + (orientationError.map { ", orientation error \($0) rad" } ?? "")
        let after = "after \(iterations) iteration(s)"
        switch cause {
        case .withinTolerance:
            return "Converged: \(errors), within tolerance \(tolerance), \(after)."
        case .beyondReach(let distance, let reach):
            return "Unreachable: the target is \(distance) from the base but the chain reaches at most \(reach); \(errors) \(after)."
        case .insideInnerRadius(let distance, let radius):
            return "Unreachable: the target is \(distance) from the base, inside the radius \(radius) no configuration "
                + "reaches; \(errors) \(after)."
        case .localMinimum:
            return "Unreachable from this start: the error settled at a local minimum where Jᵀe vanishes; \(errors) \(after)."
        case .clippedStep:
            return "Joint limits stop progress: the last step was cut at a limit; \(errors) \(after)."
        case .singularJacobian(let smallest, let largest):
            return "Singular configuration: smallest singular value \(smallest) against largest \(largest); \(errors) \(after)."
        case .interrupted(let limit):
            let budget = limit.map { "the time limit (\($0))" } ?? "cancellation"
            return "Stopped by \(budget) before converging: \(errors) \(after)."
        case .stalled:
            return "Stopped while still progressing slowly: the attempt was cut as stalled (½‖e‖² fell by less than half "
                + "over \(IKRun.stallWindow) iterations) to make room for a restart; \(errors) \(after)."
        case .noDescent:
            return "Unreachable from this start: no step lowers the error any more (a local minimum); \(errors) \(after)."
        case .budget:
            return "Stopped at the max_iterations limit: \(errors), above tolerance \(tolerance), \(after)."
        }
    }
}

/// Thresholds of the status rules.
enum IKStatusRules {
    /// σ_min/σ_max at or below which a configuration counts as singular: a millionth, well above rounding (1e-16)
    /// yet small enough that ordinary poses of a reasonable arm never trip it.
    static let singularRatio = 1e-6
    /// ‖Jᵀe‖/(‖J‖·‖e‖) at or below which the error counts as settled: e is orthogonal to every joint motion to
    /// within a millionth.
    static let vanishingGradient = 1e-6
}
