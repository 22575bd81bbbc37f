import JacobianEngine
import Pictures
import Solvers

/// POST /v1/ik: moves the joints of a planar, Denavit-Hartenberg or URDF chain towards a target, or along a path of
/// targets.
struct IKEndpoint {
    /// Largest `max_iterations` a request may ask for.
    let maxIterations: Int
    /// Largest `timeout_ms` a request may ask for, and the most a whole path may take (the server's computeTimeLimit).
    let timeLimit: Duration

    struct Outcome {
        var request: IKRequest
        var solution: Solution
    }

    /// One target's result, or a path's.
    enum Solution {
        case single(IKResult)
        case path(IKPathResult)
    }

    /// Solves the request; `interruption`'s cancellation (the client has gone) ends the search early, as the
    /// request's own `timeout_ms` does.
    func run(_ body: JSONValue, interruption: Interruption = .none) throws(Problem) -> Outcome {
        let request = try IKRequest(body, maxIterations: maxIterations, timeLimit: timeLimit)
        do {
            if request.isPath {
                let path = try solveIKPath(chain: request.chain, jointAngles: request.jointAngles, targets: request.targets,
                                           options: request.options, timeLimit: timeLimit,
                                           isCancelled: { interruption.isCancelled })
                return Outcome(request: request, solution: .path(path))
            }
            let result = try solveIK(chain: request.chain, jointAngles: request.jointAngles, target: request.target,
                                     options: request.options, isCancelled: { interruption.isCancelled })
            return Outcome(request: request, solution: .single(result))
        } catch let error as SolverInputError {
            let pointer = Self.requestPointer(error.field)
            throw Problem.invalid(pointer, "\(pointer): \(error.message)")
        } catch let error as IKPathTimeLimitExceeded {
            let message = "the path did not finish within the limit computeTimeLimit (\(error.timeLimit)): "
                + "\(error.solvedTargets) of \(request.targets.count) targets solved; send fewer targets, fewer restarts or a smaller timeout_ms"
            throw Problem(.limitExceeded, detail: message, errors: [.init(pointer: "/targets", detail: message)],
                          extensions: [("limit", .string("computeTimeLimit"))])
        } catch {
            throw Problem(.internalError, detail: "the IK solver failed: \(error)")
        }
    }
}

extension IKEndpoint {
    /// The solver names chain fields at the top level (`/link_lengths/1`, `/dh_parameters/2/alpha`); in a request
    /// they sit under `arm` (`/arm/link_lengths/1`, `/arm/joints/2/alpha`).
    static func requestPointer(_ field: String) -> String {
        for (solverPrefix, requestPrefix) in [("/link_lengths", "/arm/link_lengths"), ("/dh_parameters", "/arm/joints"),
                                              ("/urdf", "/arm/urdf"), ("/base", "/arm/base"), ("/tip", "/arm/tip")]
        where field == solverPrefix || field.hasPrefix(solverPrefix + "/") {
            return requestPrefix + field.dropFirst(solverPrefix.count)
        }
        return field
    }
}

extension IKEndpoint.Outcome: JSONValueOutcome {
    func json() -> JSONValue {
        switch solution {
        case .single(let result): Self.json(result)
        case .path(let path): Self.json(path)
        }
    }

    private static func json(_ result: IKResult) -> JSONValue {
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
        object.append("attempts", .number(Double(result.attempts)))
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

    /// A path: per target the solution and how it ended (no trajectories, no Jacobians), then the summary.
    private static func json(_ path: IKPathResult) -> JSONValue {
        let results: [JSONValue] = path.results.map { result in
            var object = JSONObject([
                ("joint_angles", .numbers(result.jointAngles)),
                ("end_effector", .numbers(result.endEffector)),
                ("error_norm", .number(result.errorNorm)),
            ])
            if let orientationError = result.orientationError { object.append("orientation_error", .number(orientationError)) }
            object.append("iterations", .number(Double(result.iterations)))
            object.append("attempts", .number(Double(result.attempts)))
            object.append("converged", .bool(result.converged))
            object.append("status", .string(result.status.rawValue))
            object.append("message", .string(result.message))
            return .object(object)
        }
        var object = JSONObject([
            ("results", .array(results)),
            ("solved", .number(Double(path.solvedCount))),
            ("largest_joint_change", .number(path.largestJointChange)),
        ])
        if let at = path.largestJointChangeAt {
            object.append("largest_joint_change_at", .object([
                "target": .number(Double(at.target)),
                "joint": .number(Double(at.joint)),
            ]))
        }
        return .object(object)
    }

    /// A single solve: the arm at the start, along the trajectory and at the end, with the target. A path: the arm at
    /// every solution, the targets joined in order and the positions reached.
    func svg() -> String {
        switch solution {
        case .single(let result): singleSVG(result)
        case .path(let path): pathSVG(path)
        }
    }

    private func singleSVG(_ result: IKResult) -> String {
        let configurations = result.trajectory.map(\.jointAngles)
        let title = "Inverse kinematics: \(result.status.rawValue), error \(JSONWriter.format(result.errorNorm))"
        switch request.chain {
        case .planar(let linkLengths):
            return SVGPlot.planarArm(linkLengths: linkLengths, configurations: configurations,
                                     target: request.target.position, title: title)
        default:
            let positions = configurations.compactMap { try? request.chain.jointPositions($0) }
            return SVGPlot.chainProjection(jointPositions: positions, target: request.target.position,
                                           plane: request.plane, title: title)
        }
    }

    private func pathSVG(_ path: IKPathResult) -> String {
        let title = "Inverse kinematics path: \(path.solvedCount) of \(path.results.count) targets solved, "
            + "largest joint change \(JSONWriter.format((path.largestJointChange * 1e4).rounded() / 1e4))"
        let poses = path.results.compactMap { try? request.chain.jointPositions($0.jointAngles) }
        let isPlanar = if case .planar = request.chain { true } else { false }
        return SVGPlot.ikPath(jointPositions: poses, targets: request.targets.map(\.position),
                              plane: isPlanar ? .xy : request.plane, title: title, projected: !isPlanar)
    }
}
