import Foundation
import JacobianEngine
import Testing
@testable import Solvers

/// Issue #19: a Newton iterate that leaves the function's domain was reported as a non-finite result at the
/// caller's start. It is now `IterateOutsideDomain`, with the iteration, the iterate and the engine's operation.
@Suite struct IterateOutsideDomainTests {
    /// log(x) = 0 from x = 3: the full Newton step x − x·log(x) lands at 3 − 3·log 3 ≈ −0.296, where log is undefined.
    private func logProblem() throws -> RootFindingProblem {
        let function = try JacobianEngine().compile(
            .expression(ExpressionFunction(inputs: [.scalar("x")], outputs: ["log(x)"])))
        return RootFindingProblem(dimension: 1) { x in
            let result = try function.jacobian(at: x)
            return (result.value, result.jacobian)
        }
    }

    @Test func anIterateOutsideTheDomainIsReportedWithItsIterationAndOperation() throws {
        let problem = try logProblem()
        do {
            _ = try solveRoots(problem, from: [3], options: NewtonOptions(stepSize: 1, maxIterations: 10))
            Issue.record("expected IterateOutsideDomain")
        } catch let error as IterateOutsideDomain {
            #expect(error.iteration == 1)
            #expect(error.point.count == 1 && abs(error.point[0] - (3 - 3 * log(3.0))) < 1e-12)
            #expect(error.cause.operation == "log")
            #expect(error.description.contains("iteration 1"))
        }
    }

    @Test func aStartOutsideTheDomainIsStillTheCallersError() throws {
        let problem = try logProblem()
        #expect(throws: EngineError.self) {
            _ = try solveRoots(problem, from: [-1], options: NewtonOptions(stepSize: 1, maxIterations: 10))
        }
    }

    @Test func halfStepsStayInTheDomainAndConverge() throws {
        // Half steps from 3: 3 → 1.35 → 1.15 … approach 1 from above and never leave the domain.
        let problem = try logProblem()
        let result = try solveRoots(problem, from: [3], options: NewtonOptions(stepSize: 0.5, maxIterations: 50))
        #expect(result.converged)
    }
}
