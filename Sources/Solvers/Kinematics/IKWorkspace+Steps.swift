import JacobianEngine

extension IKWorkspace {
    /// Writes the unscaled step of `method` from the current evaluation into `step`.
    /// Returns false when the damped system could not be factored (λ too small for a rank-deficient J).
    func computeStep(_ method: IKMethod, lambda: Double) throws -> Bool {
        switch method {
        case .pseudoinverse: try pseudoinverseStep()
        case .transpose: transposeStep()
        case .dampedLeastSquares: return dampedStep(diagonal: lambda * lambda)
        case .levenbergMarquardt: return dampedStep(diagonal: lambda)
        }
        return true
    }

    /// Δθ = pinv(J)·e through LAPACK's SVD (allocates: the tutorial's method, not the fast path).
    private func pseudoinverseStep() throws {
        let e = current
        let j = Matrix(rows: taskSize, columns: jointCount, storage: Array(e.weightedJacobian))
        let pinv = try LinearAlgebra.pseudoInverse(j)
        for i in 0..<jointCount {
            var sum = 0.0
            for k in 0..<taskSize { sum += pinv.storage[i * taskSize + k] * e.weightedError[k] }
            step[i] = sum
        }
    }

    /// gradient ← Jᵀe (n).
    private func transposedJacobianTimesError() {
        let e = current
        let n = jointCount
        for j in 0..<n { gradient[j] = 0 }
        for k in 0..<taskSize {
            let ek = e.weightedError[k]
            for j in 0..<n { gradient[j] += e.weightedJacobian[k * n + j] * ek }
        }
    }

    /// Δθ = α·Jᵀe with α = ⟨e, JJᵀe⟩/⟨JJᵀe, JJᵀe⟩ (Buss, "Introduction to inverse kinematics", §4), the α that
    /// minimises ‖e − α·JJᵀe‖ under the linear model. Zero when JJᵀe vanishes.
    private func transposeStep() {
        transposedJacobianTimesError()
        let e = current
        let n = jointCount
        var numerator = 0.0, denominator = 0.0
        for k in 0..<taskSize {
            var h = 0.0
            for j in 0..<n { h += e.weightedJacobian[k * n + j] * gradient[j] }
            numerator += e.weightedError[k] * h
            denominator += h * h
        }
        let alpha = denominator > 0 ? numerator / denominator : 0
        for j in 0..<n { step[j] = alpha * gradient[j] }
    }

    /// Δθ = Jᵀ·(JJᵀ + μI)⁻¹·e: an m×m Cholesky solve (m ≤ 6, the task size), no allocation. Equal to
    /// (JᵀJ + μI)⁻¹Jᵀe, but the task side is the smaller system for every chain with more joints than task entries.
    private func dampedStep(diagonal mu: Double) -> Bool {
        let e = current
        let n = jointCount, m = taskSize
        for r in 0..<m {
            for c in r..<m {
                var sum = 0.0
                for j in 0..<n { sum += e.weightedJacobian[r * n + j] * e.weightedJacobian[c * n + j] }
                system[r * m + c] = sum
                system[c * m + r] = sum
            }
            system[r * m + r] += mu
            rhs[r] = e.weightedError[r]
        }
        if !smallCholeskySolve(m) { return false }
        for j in 0..<n {
            var sum = 0.0
            for k in 0..<m { sum += e.weightedJacobian[k * n + j] * rhs[k] }
            step[j] = sum
        }
        return true
    }

    /// Loads trial.joints = clamp(current + stepSize·step); returns whether a limit cut the step, and the length
    /// of the change actually applied.
    func proposeTrial(stepSize: Double) -> (clipped: Bool, length: Double) {
        for j in 0..<jointCount { trial.joints[j] = current.joints[j] + stepSize * step[j] }
        let clipped = clamp(trial.joints)
        var squared = 0.0
        for j in 0..<jointCount {
            let change = trial.joints[j] - current.joints[j]
            squared += change * change
        }
        return (clipped, squared.squareRoot())
    }

    /// ‖q‖₂ of the current configuration.
    var currentJointNorm: Double {
        var squared = 0.0
        for j in 0..<jointCount { squared += current.joints[j] * current.joints[j] }
        return squared.squareRoot()
    }

    /// ‖Jᵀe‖ / (‖J‖_F·‖e‖) at the current configuration (weighted): 0 where no joint motion changes the error
    /// to first order. ‖J‖_F bounds σ_max, so this ratio is scale-free.
    var relativeGradient: Double {
        transposedJacobianTimesError()
        let e = current
        var g = 0.0, jn = 0.0, en = 0.0
        for j in 0..<jointCount { g += gradient[j] * gradient[j] }
        for k in 0..<(taskSize * jointCount) { jn += e.weightedJacobian[k] * e.weightedJacobian[k] }
        for k in 0..<taskSize { en += e.weightedError[k] * e.weightedError[k] }
        let scale = (jn * en).squareRoot()
        return scale > 0 ? g.squareRoot() / scale : 0
    }
}
