import JacobianEngine
import Testing
@testable import Solvers

/// One step of each method against its formula, evaluated independently with the LAPACK wrappers.
@Suite("IK step formulas")
struct IKStepFormulaTests {
    let chain = Robots.threeLink
    let start = [0.3, 0.3, 0.3]
    let target = IKTarget.planar(position: [1.2, 1.1], orientation: nil)

    /// J (2×3) and e at the start.
    func jacobianAndError() throws -> (Matrix, [Double]) {
        let j = try chain.jacobian(start)
        let jacobian = Matrix(Array(j.rowArrays[0..<2]))
        let position = try chain.forwardKinematics(start).position
        return (jacobian, [1.2 - position[0], 1.1 - position[1]])
    }

    func firstDelta(_ options: IKOptions) throws -> [Double] {
        try solveIK(chain: chain, jointAngles: start, target: target, options: options).delta
    }

    @Test("pseudo-inverse: Δθ = step_size·pinv(J)·e")
    func pseudoinverse() throws {
        let (j, e) = try jacobianAndError()
        let expected = LinearAlgebra.multiply(try LinearAlgebra.pseudoInverse(j), e).map { 0.5 * $0 }
        expectClose(try firstDelta(IKOptions(stepSize: 0.5)), expected, 1e-14)
    }

    @Test("damped least squares: Δθ = Jᵀ(JJᵀ + λ²I)⁻¹e")
    func dampedLeastSquares() throws {
        let (j, e) = try jacobianAndError()
        var system = LinearAlgebra.multiply(j, j.transposed)
        for i in 0..<2 { system[i, i] += 0.3 * 0.3 }
        let expected = LinearAlgebra.multiplyTransposed(j, try LinearAlgebra.solve(system, e))
        expectClose(try firstDelta(IKOptions(method: .dampedLeastSquares, damping: 0.3)), expected, 1e-14)
    }

    @Test("transpose: Δθ = α·Jᵀe with α = ⟨e, JJᵀe⟩/⟨JJᵀe, JJᵀe⟩")
    func transpose() throws {
        let (j, e) = try jacobianAndError()
        let g = LinearAlgebra.multiplyTransposed(j, e)
        let h = LinearAlgebra.multiply(j, g)
        let alpha = LinearAlgebra.dot(e, h) / LinearAlgebra.dot(h, h)
        expectClose(try firstDelta(IKOptions(method: .transpose)), g.map { alpha * $0 }, 1e-14)
    }

    @Test("Levenberg–Marquardt's first accepted step is a damped step with λ from the damping schedule")
    func levenbergMarquardt() throws {
        let (j, e) = try jacobianAndError()
        var system = LinearAlgebra.multiply(j, j.transposed)
        for i in 0..<2 { system[i, i] += 0.1 }
        let expected = LinearAlgebra.multiplyTransposed(j, try LinearAlgebra.solve(system, e))
        // From this start the first trial at λ = 0.1 lowers the error, so it is the one accepted.
        expectClose(try firstDelta(IKOptions(method: .levenbergMarquardt)), expected, 1e-14)
    }

    @Test("a chain with prismatic joints reaches a position target")
    func prismaticChain() throws {
        let goal = try Robots.mixed.forwardKinematics([0.1, 0.15, 0.2, 0.1]).position
        let result = try solveIK(chain: Robots.mixed, jointAngles: [0, 0, 0, 0],
                                 target: .spatial(position: goal, orientation: nil),
                                 options: IKOptions(method: .levenbergMarquardt, maxIterations: 100))
        #expect(result.status == .converged, "\(result.message)")
        #expect(result.jacobian.rows == 3 && result.jacobian.columns == 4)
    }

    @Test("a start already on the target takes no step: converged, zero delta")
    func alreadyThere() throws {
        let position = try chain.forwardKinematics(start).position
        let result = try solveIK(chain: chain, jointAngles: start, target: .planar(position: position, orientation: nil))
        #expect(result.status == .converged && result.iterations == 0)
        #expect(result.delta == [0, 0, 0])
    }
}
