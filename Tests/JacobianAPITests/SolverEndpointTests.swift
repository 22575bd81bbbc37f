import Foundation
import Testing
@testable import JacobianAPI

/// The solver endpoints over real HTTP, beyond the tutorial's examples: damping at singularities, honest statuses,
/// joint limits, and Levenberg-Marquardt where the plain step fails.
@Suite struct SolverEndpointTests {
    let server = LiveServer.shared

    func post(_ path: String, _ body: String) throws -> JSONValue {
        let response = try server.post(path, body)
        #expect(response.status == 200, "\(response.text)")
        return try response.json
    }

    @Test(arguments: ["damped_least_squares", "levenberg_marquardt"])
    func stretchedArmWithATargetBeyondReachIsUnreachableNotConverged(method: String) throws {
        let json = try post("/v1/ik", """
            {"arm": {"type": "planar", "link_lengths": [1, 0.8]}, "joint_angles": [0, 0], "target": [2.5, 0.05],
             "method": "\(method)", "max_iterations": 100}
            """)
        #expect(json["status"]?.string == "unreachable", "\(json)")
        #expect(json["converged"] == .bool(false))
        let angles = try #require(json["joint_angles"]?.doubles)
        #expect(angles.allSatisfy { abs($0) < 10 }, "damping must keep the joints calm: \(angles)")
        // The closest the arm gets is fully stretched towards the target: 1.8 along its direction.
        let errorNorm = try #require(json["error_norm"]?.double)
        #expect(abs(errorNorm - ((2.5 * 2.5 + 0.05 * 0.05).squareRoot() - 1.8)) < 1e-3)
        #expect(json["message"]?.string?.contains("reach") == true)
    }

    @Test func singularConfigurationReportsItsSmallestSingularValue() throws {
        let json = try post("/v1/ik", """
            {"arm": {"type": "planar", "link_lengths": [1, 0.8]}, "joint_angles": [0, 0], "target": [1.5, 0]}
            """)
        #expect(try #require(json["min_singular_value"]?.double) < 1e-12)
        #expect(try #require(json["manipulability"]?.double) < 1e-12)
        #expect(json["converged"] == .bool(false))
        #expect(json["joint_angles"]?.doubles?.allSatisfy(\.isFinite) == true)
    }

    @Test(arguments: ["pseudoinverse", "damped_least_squares", "transpose", "levenberg_marquardt"])
    func jointLimitsAreNeverViolated(method: String) throws {
        let json = try post("/v1/ik", """
            {"arm": {"type": "planar", "link_lengths": [1, 0.8, 0.6]}, "joint_angles": [0.9, 0.3, -0.1],
             "target": [-0.5, 1.5], "method": "\(method)", "max_iterations": 100,
             "joint_limits": [[-0.5, 0.5], [0, 1.2], [-0.3, 0.3]]}
            """)
        let limits = [(-0.5, 0.5), (0.0, 1.2), (-0.3, 0.3)]
        guard case .array(let trajectory)? = json["trajectory"] else { Issue.record("no trajectory"); return }
        for iterate in trajectory {
            let angles = try #require(iterate["joint_angles"]?.doubles)
            for (angle, limit) in zip(angles, limits) {
                #expect(angle >= limit.0 - 1e-12 && angle <= limit.1 + 1e-12, "\(angles) violates \(limits)")
            }
        }
        #expect(["joint_limits", "converged", "unreachable", "max_iterations"].contains(json["status"]?.string ?? ""))
    }

    @Test func levenbergMarquardtConvergesWherePlainNewtonGrows() throws {
        let function = #"{"type": "expression", "inputs": ["x"], "outputs": ["atan(x)"]}"#
        let newton = try post("/v1/newton", #"{"function": \#(function), "point": [2], "max_iterations": 6}"#)
        guard case .array(let path)? = newton["trajectory"] else { Issue.record("no trajectory"); return }
        let magnitudes = path.compactMap { $0["point"]?[0]?.double }.map(abs)
        #expect(zip(magnitudes, magnitudes.dropFirst()).allSatisfy { $0 < $1 }, "Newton should overshoot: \(magnitudes)")
        #expect(newton["converged"] == .bool(false))

        let lm = try post("/v1/newton",
            #"{"function": \#(function), "point": [2], "method": "levenberg_marquardt", "max_iterations": 100}"#)
        #expect(lm["status"]?.string == "converged", "\(lm)")
        #expect(abs(try #require(lm["point"]?[0]?.double)) < 1e-9)
        #expect(try #require(lm["residual_norm"]?.double) <= 1e-10)
    }

    /// x − 1, x − 2, x − 3 at their least-squares minimum x = 2: J = [1, 1, 1]ᵀ has full rank, so the stop is a
    /// least-squares minimum, not "singular … rank 1".
    @Test(arguments: ["newton", "levenberg_marquardt", "gradient_descent"])
    func leastSquaresMinimumIsNamedAsSuch(method: String) throws {
        let json = try post("/v1/newton", """
            {"function": {"type": "expression", "inputs": ["x"], "outputs": ["x - 1", "x - 2", "x - 3"]},
             "point": [0], "method": "\(method)", "max_iterations": 200}
            """)
        #expect(json["status"]?.string == "least_squares_minimum", "\(json["message"] ?? .null)")
        #expect(json["converged"] == .bool(false))
        #expect(abs(try #require(json["point"]?[0]?.double) - 2) <= 1e-12)
        #expect(abs(try #require(json["residual_norm"]?.double) - 2.0.squareRoot()) <= 1e-12)
        let message = try #require(json["message"]?.string)
        #expect(message.contains("full column rank 1") && !message.contains("ingular"), "\(message)")
    }

    /// A Jacobian of rank 1 whose second singular value is rounding gets rank 1 and no condition number under any
    /// LAPACK, and the answer says which tolerance decided it.
    @Test func rankDeficientJacobianHasNoConditionNumber() throws {
        let json = try post("/v1/jacobian", """
            {"function": {"type": "expression", "inputs": ["x", "y"], "outputs": ["0.1*x + 0.3*y", "0.2*x + 0.6*y"]},
             "point": [1, 2], "include": ["singular_values"]}
            """)
        #expect(json["rank"]?.double == 1)
        #expect(json["condition_number"] == .null)
        let largest = try #require(json["singular_values"]?[0]?.double)
        let tolerance = try #require(json["rank_tolerance"]?.double)
        #expect(abs(tolerance - 2 * Double.ulpOfOne * largest) <= 1e-12 * tolerance)
        #expect(try #require(json["singular_values"]?[1]?.double) <= tolerance)
    }

    @Test func convergedIsOnlyReportedWithinTolerance() throws {
        let json = try post("/v1/newton", """
            {"function": {"type": "expression", "inputs": ["x", "y"], "outputs": ["x^2 - 2", "y - x"]},
             "point": [1, 1], "max_iterations": 50}
            """)
        #expect(json["status"]?.string == "converged")
        #expect(try #require(json["residual_norm"]?.double) <= 1e-10)
        #expect(abs(try #require(json["point"]?[0]?.double) - 2.0.squareRoot()) < 1e-9)
    }

    @Test func dhChainReachesAPoseWithOrientation() throws {
        // A UR5 (published DH parameters) asked for the full pose of a known configuration from a start nearby.
        let a = [0, -0.425, -0.39225, 0, 0, 0]
        let alpha = [Double.pi / 2, 0, 0, Double.pi / 2, -Double.pi / 2, 0]
        let d = [0.089159, 0, 0, 0.10915, 0.09465, 0.0823]
        let joints = (0..<6).map { #"{"a": \#(a[$0]), "alpha": \#(alpha[$0]), "d": \#(d[$0])}"# }.joined(separator: ", ")
        let known = [0.3, -1.2, 1.4, -0.6, 0.8, 0.2]
        let (rotation, position) = Self.forwardKinematics(known, a: a, alpha: alpha, d: d)
        let start = known.map { $0 + 0.15 }
        let json = try post("/v1/ik", """
            {"arm": {"type": "dh", "joints": [\(joints)]}, "joint_angles": \(Fixture.text(.numbers(start))),
             "target": {"position": \(Fixture.text(.numbers(position))), "orientation": {"matrix": \(Fixture.text(.rows(rotation)))}},
             "method": "levenberg_marquardt", "max_iterations": 200}
            """)
        #expect(json["status"]?.string == "converged", "\(json)")
        #expect(try #require(json["error_norm"]?.double) <= 1e-6)
        #expect(try #require(json["orientation_error"]?.double) <= 1e-6)
        #expect(json["jacobian"]?.matrix?.count == 6)
        #expect(close(json["end_effector"]?.doubles.map { Array($0.prefix(3)) }, position, tolerance: 1e-6))
    }

    /// Standard DH forward kinematics, T = Π Rz(q)·Tz(d)·Tx(a)·Rx(alpha), written out independently of the solver.
    static func forwardKinematics(_ q: [Double], a: [Double], alpha: [Double], d: [Double]) -> ([[Double]], [Double]) {
        var t: [[Double]] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
        for i in 0..<q.count {
            let (ct, st, ca, sa) = (cos(q[i]), sin(q[i]), cos(alpha[i]), sin(alpha[i]))
            let link: [[Double]] = [
                [ct, -st * ca, st * sa, a[i] * ct],
                [st, ct * ca, -ct * sa, a[i] * st],
                [0, sa, ca, d[i]],
                [0, 0, 0, 1],
            ]
            t = (0..<4).map { r in (0..<4).map { c in (0..<4).reduce(0) { $0 + t[r][$1] * link[$1][c] } } }
        }
        return ((0..<3).map { Array(t[$0][0..<3]) }, (0..<3).map { t[$0][3] })
    }
}

/// The Newton endpoint's own limits: function size and solve time.
@Suite struct SolverLimitTests {
    @Test func solverDimensionIsLimitedAndNamed() throws {
        let server = try LiveServer(configuration: APIConfiguration(maxSolverDimension: 2))
        defer { server.server.shutdown(deadline: .seconds(1)) }
        let response = try server.post("/v1/newton", """
            {"function": {"type": "expression", "inputs": [{"name": "x", "size": 3}], "outputs": ["x[0]", "x[1]", "x[2]"]},
             "point": [1, 2, 3]}
            """)
        #expect(response.status == 422)
        #expect(try response.json["limit"]?.string == "maxSolverDimension")
    }

    @Test func solveTimeIsLimitedAndNamed() throws {
        // A budget of zero is spent before the first evaluation, whatever the machine's speed.
        let server = try LiveServer(configuration: APIConfiguration(computeTimeLimit: .zero))
        defer { server.server.shutdown(deadline: .seconds(1)) }
        let response = try server.post("/v1/newton", """
            {"function": {"type": "expression", "inputs": ["x"], "outputs": ["x^3"]}, "point": [1], "max_iterations": 100}
            """)
        #expect(response.status == 422, "\(response.text)")
        #expect(try response.json["limit"]?.string == "computeTimeLimit")
    }
}
