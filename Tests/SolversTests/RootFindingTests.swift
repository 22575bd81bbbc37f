import Foundation
import JacobianEngine
import Testing
@testable import Solvers

/// The tutorial's system F = [(x0−2)² + (x1−3)², (x0−1)² + (x1−1)²] with its analytic Jacobian.
private var tutorialSystem: RootFindingProblem {
    RootFindingProblem(dimension: 2) { x in
    let value = [(x[0] - 2) * (x[0] - 2) + (x[1] - 3) * (x[1] - 3), (x[0] - 1) * (x[0] - 1) + (x[1] - 1) * (x[1] - 1)]
    let jacobian = Matrix([[2 * (x[0] - 2), 2 * (x[1] - 3)], [2 * (x[0] - 1), 2 * (x[1] - 1)]])
    return (value, jacobian)
    }
}

/// A scalar equation f(x) = 0 as a one-dimensional problem.
private func scalar(_ f: @escaping (Double) -> Double, _ derivative: @escaping (Double) -> Double) -> RootFindingProblem {
    RootFindingProblem(dimension: 1) { x in ([f(x[0])], Matrix([[derivative(x[0])]])) }
}

private struct CallerError: Error, Equatable { let code: Int }

@Suite("Root finding")
struct RootFindingTests {
    @Test("the tutorial's Newton run reproduces the fixture trajectory and values to 1e-12")
    func tutorialRun() throws {
        let expectedPoints = Fixture.matrix("app3_newton", "trajectory")
        let expectedValues = Fixture.matrix("app3_newton", "values")
        let result = try solveRoots(tutorialSystem, from: [0, 0],
                                    options: NewtonOptions(stepSize: 0.1, maxIterations: 10))
        #expect(result.iterations == 10)
        #expect(result.status == .maxIterations)
        #expect(!result.converged)
        #expect(result.trajectory.count == expectedPoints.count)
        for (iterate, (point, value)) in zip(result.trajectory, zip(expectedPoints, expectedValues)) {
            expectClose(iterate.point, point, 1e-12)
            expectClose(iterate.value, value, 1e-12)
        }
        expectClose(result.point, expectedPoints.last!, 1e-12)
        expectClose(result.step, zip(expectedPoints[1], expectedPoints[0]).map { $0 - $1 }, 1e-12)
        #expect(result.message.contains("10 iteration"))
    }

    @Test("a linear system converges in one full step; step is x₁ − x₀")
    func linearOneStep() throws {
        let linear = RootFindingProblem(dimension: 2) { x in ([x[0] - 1, x[1] + 2], Matrix([[1, 0], [0, 1]])) }
        let result = try solveRoots(linear, from: [0, 0])
        #expect(result.status == .converged)
        #expect(result.iterations == 1)
        expectClose(result.step, [1, -2], 1e-15)
        #expect(result.message.hasPrefix("Converged"))
    }

    @Test("a point already within tolerance takes no step and reports zeros")
    func alreadyConverged() throws {
        let result = try solveRoots(tutorialSystem, from: [0, 0], options: NewtonOptions(tolerance: 100))
        #expect(result.status == .converged && result.iterations == 0)
        #expect(result.step == [0, 0])
        #expect(result.trajectory.count == 1)
    }

    @Test("Gauss–Newton solves a consistent overdetermined system")
    func overdetermined() throws {
        // Three equations, two unknowns, root (1, 2).
        let problem = RootFindingProblem(dimension: 2) { x in
            ([x[0] * x[0] - 1, x[1] - 2, x[0] * x[1] - 2], Matrix([[2 * x[0], 0], [0, 1], [x[1], x[0]]]))
        }
        let result = try solveRoots(problem, from: [2, 3], options: NewtonOptions(maxIterations: 50))
        #expect(result.status == .converged)
        expectClose(result.point, [1, 2], 1e-9)
    }

    @Test("Levenberg–Marquardt converges on atan(x) = 0 from x = 2, where full Newton steps overshoot and grow")
    func levenbergMarquardtWhereNewtonFails() throws {
        let problem = scalar({ atan($0) }, { 1 / (1 + $0 * $0) })
        let newton = try solveRoots(problem, from: [2], options: NewtonOptions(maxIterations: 6))
        #expect(!newton.converged)
        let magnitudes = newton.trajectory.map { abs($0.point[0]) }
        #expect(zip(magnitudes, magnitudes.dropFirst()).allSatisfy { $0 < $1 }, "Newton iterates should grow: \(magnitudes)")

        let lm = try solveRoots(problem, from: [2], options: NewtonOptions(method: .levenbergMarquardt, maxIterations: 100))
        #expect(lm.status == .converged)
        #expect(abs(lm.point[0]) < 1e-9)
        let costs = lm.trajectory.map(\.residualNorm)
        #expect(zip(costs, costs.dropFirst()).allSatisfy { $0 > $1 }, "accepted LM steps must lower the residual")
    }

    @Test("gradient descent decreases ½‖F‖² at every step and approaches the root")
    func gradientDescentDecreases() throws {
        let problem = RootFindingProblem(dimension: 2) { x in
            ([x[0] - 1, 2 * (x[1] + 1)], Matrix([[1, 0], [0, 2]]))
        }
        let result = try solveRoots(problem, from: [3, 2], options: NewtonOptions(method: .gradientDescent, maxIterations: 200))
        let norms = result.trajectory.map(\.residualNorm)
        #expect(zip(norms, norms.dropFirst()).allSatisfy { $0 > $1 })
        #expect(result.status == .converged)
        // On the tutorial system too, descent only ever lowers the residual.
        let tutorial = try solveRoots(tutorialSystem, from: [0, 0], options: NewtonOptions(method: .gradientDescent, maxIterations: 20))
        let tutorialNorms = tutorial.trajectory.map(\.residualNorm)
        #expect(zip(tutorialNorms, tutorialNorms.dropFirst()).allSatisfy { $0 > $1 })
        #expect(tutorial.iterations == 20)
    }

    @Test("zero step at a nonzero residual is singular", arguments: RootFindingMethod.allCases)
    func singular(method: RootFindingMethod) throws {
        // F(x) = x² + 1 has no real root and J = 2x vanishes at 0.
        let problem = scalar({ $0 * $0 + 1 }, { 2 * $0 })
        let result = try solveRoots(problem, from: [0], options: NewtonOptions(method: method, maxIterations: 5))
        #expect(result.status == .singular)
        #expect(result.iterations == 0)
        #expect(result.message.contains("rank 0"))
    }

    @Test("x − 1, x − 2, x − 3 stop at their least-squares minimum x = 2, where J has full rank",
          arguments: RootFindingMethod.allCases)
    func leastSquaresMinimum(method: RootFindingMethod) throws {
        // Three equations, one unknown, no root: ‖F‖ is least at the mean, 2, with ‖F‖ = √2 and J = [1, 1, 1]ᵀ of
        // rank 1 = full column rank. Not singular: the Jacobian is as good as it gets.
        let problem = RootFindingProblem(dimension: 1) { x in
            ([x[0] - 1, x[0] - 2, x[0] - 3], Matrix([[1], [1], [1]]))
        }
        let result = try solveRoots(problem, from: [0], options: NewtonOptions(method: method, maxIterations: 200))
        #expect(result.status == .leastSquaresMinimum, "\(result.message)")
        #expect(!result.converged)
        #expect(abs(result.point[0] - 2) <= 1e-12)
        #expect(abs(result.residualNorm - 2.0.squareRoot()) <= 1e-12)
        #expect(result.message.hasPrefix("Least-squares minimum"))
        #expect(result.message.contains("full column rank 1"))
        #expect(!result.message.contains("ingular"))
    }

    @Test("a nonlinear overdetermined system stops at its least-squares minimum too", arguments: RootFindingMethod.allCases)
    func nonlinearLeastSquaresMinimum(method: RootFindingMethod) throws {
        // eˣ = 1 and eˣ = 4 at once: ½‖F‖² = ½((u − 1)² + (u − 4)²) with u = eˣ is least at u = 2.5, x = ln 2.5.
        let problem = RootFindingProblem(dimension: 1) { x in
            let u = exp(x[0])
            return ([u - 1, u - 4], Matrix([[u], [u]]))
        }
        let result = try solveRoots(problem, from: [0], options: NewtonOptions(method: method, maxIterations: 500))
        #expect(result.status == .leastSquaresMinimum, "\(result.message)")
        #expect(abs(result.point[0] - log(2.5)) <= 1e-10)
        #expect(abs(result.residualNorm - 4.5.squareRoot()) <= 1e-10)
    }

    @Test("a residual overflowing to infinity is reported diverged")
    func diverged() throws {
        // Newton on eˣ − 1 from −10 jumps to x ≈ 22026, where eˣ overflows.
        let problem = scalar({ exp($0) - 1 }, { exp($0) })
        let result = try solveRoots(problem, from: [-10], options: NewtonOptions(maxIterations: 5))
        #expect(result.status == .diverged)
        #expect(result.iterations == 1)
        #expect(result.message.contains("Diverged"))
    }

    @Test("a step below step_tolerance·(1 + ‖x‖) stalls")
    func stalled() throws {
        let problem = scalar({ $0 - 1e-3 }, { _ in 1 })
        let result = try solveRoots(problem, from: [0], options: NewtonOptions(maxIterations: 5, stepTolerance: 1))
        #expect(result.status == .stalled)
        #expect(result.iterations == 0)
        #expect(result.step == [0])
    }

    @Test("the caller's error is rethrown unchanged")
    func callerErrorRethrown() {
        let failing = RootFindingProblem(dimension: 1) { _ in throw CallerError(code: 7) }
        #expect(throws: CallerError(code: 7)) { try solveRoots(failing, from: [1]) }
    }

    @Test("bad input names its place in the solver's input")
    func inputErrors() {
        func location(_ body: () throws -> Void) -> RootFindingInput? {
            do { try body(); return nil } catch let error as SolverInputError<RootFindingInput> { return error.location } catch { return nil }
        }
        #expect(location { _ = try solveRoots(tutorialSystem, from: [0]) } == .point(index: nil))
        #expect(location { _ = try solveRoots(tutorialSystem, from: [0, .nan]) } == .point(index: 1))
        #expect(location { _ = try solveRoots(tutorialSystem, from: [0, 0], options: NewtonOptions(stepSize: 0)) } == .stepSize)
        #expect(location { _ = try solveRoots(tutorialSystem, from: [0, 0], options: NewtonOptions(maxIterations: -1)) } == .maxIterations)
        #expect(location { _ = try solveRoots(tutorialSystem, from: [0, 0], options: NewtonOptions(maxIterations: 1_000_000)) } == .maxIterations)
        #expect(location { _ = try solveRoots(tutorialSystem, from: [0, 0], options: NewtonOptions(tolerance: -1)) } == .tolerance)
        #expect(location { _ = try solveRoots(tutorialSystem, from: [0, 0], options: NewtonOptions(stepTolerance: .nan)) } == .stepTolerance)
        #expect(location { _ = try solveRoots(tutorialSystem, from: [0, 0], options: NewtonOptions(damping: .infinity)) } == .damping)
    }

    @Test("status raw values are the API's snake_case strings")
    func statusNames() {
        #expect(RootFindingStatus.allCases.map(\.rawValue) == ["converged", "max_iterations", "stalled", "singular", "least_squares_minimum", "diverged"])
        #expect(RootFindingMethod.levenbergMarquardt.rawValue == "levenberg_marquardt")
        #expect(RootFindingMethod.gradientDescent.rawValue == "gradient_descent")
    }
}

