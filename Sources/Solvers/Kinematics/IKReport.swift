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

    /// Classifies the finished run (precedence of ``IKStatus``) and assembles the answer.
    func result(chain: KinematicChain, target: IKTarget, options: IKOptions, run: IKRun, delta: [Double]) throws -> IKResult {
        let e = current
        let jacobian = Matrix(rows: taskSize, columns: jointCount, storage: Array(e.jacobian))
        let sigma = try LinearAlgebra.singularValues(jacobian)
        let largest = sigma.first ?? 0, smallest = sigma.last ?? 0
        let manipulability = taskSize <= jointCount ? sigma.reduce(1, *) : 0
        let singularConfiguration = smallest <= IKStatusRules.singularRatio * largest
        let distance = LinearAlgebra.norm(target.position)
        let reach = chain.reach(limits: options.jointLimits)
        let inner = chain.innerReach
        let gradientVanishes = run.iterations + (run.noProgress ? 1 : 0) > 0
            && relativeGradient <= IKStatusRules.vanishingGradient

        let tolerance = options.tolerance
        let errors = "position error \(e.positionError)"
            + (hasOrientation ? ", orientation error \(e.orientationError) rad" : "")
        let after = "after \(run.iterations) iteration(s)"
        let status: IKStatus
        let message: String
        if isConverged(tolerance: tolerance) {
            status = .converged
            message = "Converged: \(errors), within tolerance \(tolerance), \(after)."
        } else if let reach, distance > reach + tolerance {
            status = .unreachable
            message = "Unreachable: the target is \(distance) from the base but the chain reaches at most \(reach); "
                + "\(errors) \(after)."
        } else if distance < inner - tolerance {
            status = .unreachable
            message = "Unreachable: the target is \(distance) from the base, inside the radius \(inner) no "
                + "configuration reaches; \(errors) \(after)."
        } else if gradientVanishes, !singularConfiguration {
            status = .unreachable
            message = "Unreachable from this start: the error settled at a local minimum where Jᵀe vanishes; "
                + "\(errors) \(after)."
        } else if run.lastStepClipped {
            status = .jointLimits
            message = "Joint limits stop progress: the last step was cut at a limit; \(errors) \(after)."
        } else if singularConfiguration || gradientVanishes {
            status = .singular
            message = "Singular configuration: smallest singular value \(smallest) against largest \(largest); "
                + "\(errors) \(after)."
        } else if run.noProgress {
            status = .unreachable
            message = "Unreachable from this start: no step lowers the error any more (a local minimum); \(errors) \(after)."
        } else {
            status = .maxIterations
            message = "Stopped at the max_iterations limit: \(errors), above tolerance \(tolerance), \(after)."
        }
        return IKResult(
            delta: delta, jointAngles: e.jointArray, endEffector: taskVector(e),
            endEffectorRotation: isPlanar ? nil : Rotation(unchecked: Array(e.rotation)),
            error: Array(e.error), errorNorm: e.positionError,
            orientationError: hasOrientation ? e.orientationError : nil, jacobian: jacobian,
            manipulability: manipulability, minSingularValue: smallest, iterations: run.iterations,
            status: status, message: message, trajectory: run.trajectory)
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
