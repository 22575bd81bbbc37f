import Pictures
import Solvers

/// POST /v1/ik: moves the joints of a planar or Denavit-Hartenberg chain towards a target.
struct IKEndpoint {
    /// Largest `max_iterations` a request may ask for.
    let maxIterations: Int

    struct Outcome {
        var request: IKRequest
        var result: IKResult
    }

    func run(_ body: JSONValue) throws(Problem) -> Outcome {
        let request = try IKRequest(body, maxIterations: maxIterations)
        do {
            let result = try solveIK(chain: request.chain, jointAngles: request.jointAngles, target: request.target,
                                     options: request.options)
            return Outcome(request: request, result: result)
        } catch let error as SolverInputError {
            let pointer = Self.requestPointer(error.field)
            throw Problem.invalid(pointer, "\(pointer): \(error.message)")
        } catch {
            throw Problem(.internalError, detail: "the IK solver failed: \(error)")
        }
    }
}

extension IKEndpoint {
    /// The solver names chain fields at the top level (`/link_lengths/1`, `/dh_parameters/2/alpha`); in a request
    /// they sit under `arm` (`/arm/link_lengths/1`, `/arm/joints/2/alpha`).
    static func requestPointer(_ field: String) -> String {
        for (solverPrefix, requestPrefix) in [("/link_lengths", "/arm/link_lengths"), ("/dh_parameters", "/arm/joints")]
        where field == solverPrefix || field.hasPrefix(solverPrefix + "/") {
            return requestPrefix + field.dropFirst(solverPrefix.count)
        }
        return field
    }
}

extension IKEndpoint.Outcome: JSONValueOutcome {
    func json() -> JSONValue {
        var object = JSONObject([
            ("delta", .numbers(result.delta)),
            ("joint_angles", .numbers(result.jointAngles)),
            ("end_effector", .numbers(result.endEffector)),
            ("error", .numbers(result.error)),
            ("error_norm", .number(result.errorNorm)),
        ])
        if let orientationError = result.orientationError { object.append("orientation_error", .number(orientationError)) }
        object.append("jacobian", .rows(result.jacobian.rowArrays))
        object.append("manipulability", .number(result.manipulability))
        object.append("min_singular_value", .number(result.minSingularValue))
        object.append("iterations", .number(Double(result.iterations)))
        object.append("converged", .bool(result.converged))
        object.append("status", .string(result.status.rawValue))
        object.append("message", .string(result.message))
        object.append("trajectory", .array(result.trajectory.map { iterate in
            .object([
                "joint_angles": .numbers(iterate.jointAngles),
                "end_effector": .numbers(iterate.endEffector),
                "error_norm": .number(iterate.errorNorm),
            ])
        }))
        return .object(object)
    }

    /// The arm at the start, along the trajectory and at the end, with the target.
    func svg() -> String {
        let configurations = result.trajectory.map(\.jointAngles)
        let title = "Inverse kinematics: \(result.status.rawValue), error \(JSONWriter.format(result.errorNorm))"
        switch request.chain {
        case .planar(let linkLengths):
            return SVGPlot.planarArm(linkLengths: linkLengths, configurations: configurations,
                                     target: request.target.position, title: title)
        case .denavitHartenberg:
            let positions = configurations.compactMap { try? request.chain.jointPositions($0) }
            return SVGPlot.chainProjection(jointPositions: positions, target: request.target.position,
                                           plane: request.plane, title: title)
        }
    }
}
