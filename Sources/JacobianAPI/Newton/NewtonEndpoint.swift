import JacobianEngine
import Pictures
import Solvers

/// POST /v1/newton: solves F(x) = 0 from a starting point with Newton (pseudo-inverse), Levenberg-Marquardt or
/// gradient descent on ½‖F‖², returning the whole trajectory.
struct NewtonEndpoint {
    let engine: JacobianEngine
    /// The iteration, dimension and time limits.
    let configuration: APIConfiguration

    static let fields = ["function", "point", "step_size", "max_iterations", "tolerance", "step_tolerance", "method", "damping"]

    struct Outcome {
        var function: CompiledFunction
        var result: RootFindingResult
    }

    func run(_ body: JSONValue, interruption: Interruption = .none) throws(Problem) -> Outcome {
        let reader = try FieldReader(body, at: "", allowed: Self.fields)
        let function = try RequestFunction.compile(try reader.value("function"), at: "/function", engine: engine)
        let point = try reader.numbers("point")
        let defaults = NewtonOptions()
        var options = NewtonOptions()
        options.method = try reader.choice("method", default: defaults.method, among: RootFindingMethod.allCases)
        options.stepSize = try reader.positiveNumber("step_size", default: defaults.stepSize)
        options.maxIterations = try reader.integer("max_iterations", default: defaults.maxIterations,
                                                   in: 1...configuration.maxIterations, limitName: "maxIterations")
        options.tolerance = try reader.nonNegativeNumber("tolerance", default: defaults.tolerance)
        options.stepTolerance = try reader.nonNegativeNumber("step_tolerance", default: defaults.stepTolerance)
        options.damping = try reader.positiveNumber("damping", default: defaults.damping)

        guard point.count == function.inputCount else {
            throw Problem.invalid("/point", "point has \(point.count) entries but the function has \(function.inputCount) inputs (\(function.columnNames.joined(separator: ", ")))")
        }
        let largest = max(function.inputCount, function.outputCount)
        guard largest <= configuration.maxSolverDimension else {
            let message = "the function has \(function.outputCount) outputs and \(function.inputCount) inputs; "
                + "Newton solves are limited to \(configuration.maxSolverDimension) of each (maxSolverDimension)"
            throw Problem(.limitExceeded, detail: message, errors: [.init(pointer: "/function", detail: message)],
                          extensions: [("limit", .string("maxSolverDimension"))])
        }
        // The trajectory: up to max_iterations + 1 iterates of inputs + outputs + 1 numbers each.
        try ResponseSize.check([options.maxIterations + 1, function.inputCount + function.outputCount + 1],
                               of: "the trajectory", at: "/max_iterations", limit: configuration.maxResponseBytes)
        let problem = RootFindingProblem(dimension: function.inputCount) { x in
            try interruption.check()  // Once per iteration (and per line-search trial).
            let result = try function.jacobian(at: x)
            return (result.value, result.jacobian)
        }
        do {
            return Outcome(function: function, result: try solveRoots(problem, from: point, options: options))
        } catch let error as EngineError where error.kind == .limitExceeded && error.limit == interruption.limitName {
            let message = "\(error.message); ask for fewer iterations or a smaller function"
            throw Problem(.limitExceeded, detail: message, errors: [.init(pointer: "/max_iterations", detail: message)],
                          extensions: [("limit", .string(interruption.limitName))])
        } catch let error as IterateOutsideDomain {
            // The start was fine (it is evaluated first); the solver stepped out of the function's domain.
            var problem = EngineProblems.problem(from: error.cause, functionPointer: "/function", pointPointer: { _ in "/function" })
            problem.detail = "\(error)"
            problem.errors = [.init(pointer: "/function", detail: problem.detail)]
            problem.extensions += [("iteration", .number(Double(error.iteration))), ("iterate", .numbers(error.point))]
            throw problem
        } catch let error as EngineError {
            // The start itself produced a non-finite residual.
            throw EngineProblems.problem(from: error, functionPointer: "/function", pointPointer: { _ in "/point" })
        } catch {
            throw Problem(.internalError, detail: "the solver failed: \(error)")
        }
    }
}

extension NewtonEndpoint.Outcome: JSONValueOutcome {
    func json() -> JSONValue {
        .object([
            "step": .numbers(result.step),
            "point": .numbers(result.point),
            "value": .numbers(result.value),
            "residual_norm": .number(result.residualNorm),
            "iterations": .number(Double(result.iterations)),
            "converged": .bool(result.converged),
            "status": .string(result.status.rawValue),
            "message": .string(result.message),
            "trajectory": .array(result.trajectory.map { iterate in
                .object([
                    "point": .numbers(iterate.point),
                    "value": .numbers(iterate.value),
                    "residual_norm": .number(iterate.residualNorm),
                ])
            }),
        ])
    }
}

extension NewtonEndpoint.Outcome {
    /// Two inputs: the iterates in the plane over a shading of ‖F‖. Otherwise: ‖F‖ against iteration, log scale.
    func svg() -> String {
        let title = "Newton trajectory (\(result.status.rawValue), \(result.iterations) iterations)"
        guard function.inputCount == 2 else {
            return SVGPlot.residualPlot(norms: result.trajectory.map(\.residualNorm), title: title)
        }
        let function = self.function
        return SVGPlot.trajectory2D(
            points: result.trajectory.map(\.point),
            field: { x, y in
                guard let value = try? function.evaluate(at: [x, y]) else { return .nan }
                return value.reduce(0) { $0 + $1 * $1 }.squareRoot()
            },
            axisLabels: function.columnNames, title: title)
    }
}
