import JacobianEngine

/// How a root search that can no longer move names where it stopped: at a singular Jacobian, at a least-squares
/// minimum (J of full column rank, more equations than unknowns, no exact root), or merely stalled.
///
/// Every decision uses a tolerance scaled to the problem, never an exact comparison with zero: whether JᵀF comes out
/// as exactly 0 or as 1e-17 depends on the BLAS's summation order, and the same point must get the same status with
/// the reference LAPACK and with OpenBLAS.
extension RootStepper {
    /// The stop at a stationary point of ½‖F‖², or nil when x is not one.
    ///
    /// JᵀF vanishes to rounding when ‖JᵀF‖ ≤ tol·‖F‖, tol = max(m, n)·ε·σ_max being J's rank tolerance
    /// (``SingularSpectrum``). A full-row-rank J has ‖JᵀF‖ ≥ σ_min·‖F‖ > tol·‖F‖, so only a rank-deficient J
    /// (`singular`) or one of full column rank with m > n (`least_squares_minimum`) can stop here. The cheap bound
    /// σ_max ≤ ‖J‖_F screens first, so the singular values are computed only at candidates.
    func stationaryStop(_ current: RootEvaluation, gradient: [Double]) -> Outcome? {
        let j = current.jacobian
        let gradientNorm = LinearAlgebra.norm(gradient)
        let relative = LinearAlgebra.defaultRelativeCutoff(rows: j.rows, columns: j.columns)
        guard gradientNorm <= relative * LinearAlgebra.norm(j.storage) * current.residualNorm else { return nil }
        guard let spectrum = try? LinearAlgebra.spectrum(j) else {
            return .stopped(.singular, "Singular: JᵀF(x) = 0 at ‖F(x)‖ = \(current.residualNorm), so no Newton-type "
                + "step can lower the residual from here (the Jacobian's singular values could not be computed).")
        }
        guard gradientNorm <= spectrum.tolerance * current.residualNorm else { return nil }
        if spectrum.rank == j.columns {
            return .stopped(.leastSquaresMinimum, "Least-squares minimum at ‖F(x)‖ = \(current.residualNorm): "
                + "JᵀF(x) = 0 while the \(j.rows)×\(j.columns) Jacobian has full column rank \(spectrum.rank), so x "
                + "minimises ‖F‖ locally; the \(j.rows) equations have no exact solution here.")
        }
        return .stopped(.singular, "Singular: JᵀF(x) = 0 at ‖F(x)‖ = \(current.residualNorm) and the "
            + "\(j.rows)×\(j.columns) Jacobian has rank \(spectrum.rank) (singular values at or below "
            + "\(spectrum.tolerance) count as zero), so no Newton-type step can lower the residual from here.")
    }

    /// A step shorter than step_tolerance·(1 + ‖x‖): a least-squares minimum when that is what stopped it
    /// (``leastSquaresMinimum(near:)``), otherwise `stalled`.
    func stalled(_ current: RootEvaluation, stepLength: Double, why: String) -> Outcome {
        stalled(current, why: "\(why) (step length \(stepLength), below step_tolerance·(1 + ‖x‖) = "
            + "\(minimumStep(at: current.point)))")
    }

    /// No step lowers the residual: a least-squares minimum when that is why (``leastSquaresMinimum(near:)``),
    /// otherwise `stalled`.
    func stalled(_ current: RootEvaluation, why: String) -> Outcome {
        leastSquaresMinimum(near: current)
            ?? .stopped(.stalled, "Stalled at ‖F(x)‖ = \(current.residualNorm): \(why).")
    }

    /// The stop at a least-squares minimum resolved to the caller's step tolerance, or nil.
    ///
    /// An iteration that creeps towards a least-squares minimum (gradient descent halves its distance each step)
    /// stalls on the step tolerance before JᵀF reaches rounding level. When J has full column rank and m > n, the
    /// Gauss–Newton step to the minimum of the linearised residual ‖F + J·δ‖ tells how far that minimum is: below
    /// step_tolerance·(1 + ‖x‖), x is it, as far as the caller asked to resolve x.
    private func leastSquaresMinimum(near current: RootEvaluation) -> Outcome? {
        let j = current.jacobian
        guard j.rows > j.columns, let spectrum = try? LinearAlgebra.spectrum(j), spectrum.rank == j.columns,
              let gaussNewton = try? LinearAlgebra.leastSquares(j, current.value) else { return nil }
        let distance = LinearAlgebra.norm(gaussNewton)
        let limit = minimumStep(at: current.point)
        guard distance < limit else { return nil }
        return .stopped(.leastSquaresMinimum, "Least-squares minimum at ‖F(x)‖ = \(current.residualNorm): the "
            + "Gauss–Newton step to the minimum of the linearised residual is \(distance), below "
            + "step_tolerance·(1 + ‖x‖) = \(limit), and the \(j.rows)×\(j.columns) Jacobian has full column rank "
            + "\(spectrum.rank), so x minimises ‖F‖ locally; the \(j.rows) equations have no exact solution here.")
    }
}
