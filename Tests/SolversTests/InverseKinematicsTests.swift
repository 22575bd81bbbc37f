import Foundation
import JacobianEngine
import Testing
@testable import Solvers

private func planarTarget(_ name: String) -> IKTarget {
    .planar(position: Fixture.vector(name, "target"), orientation: nil)
}

@Suite("Inverse kinematics")
struct InverseKinematicsTests {
    @Test("the tutorial's two-joint pseudo-inverse step reproduces the fixture to 1e-12")
    func tutorialStep() throws {
        let start = Fixture.vector("app2_ik_step", "joint_angles")
        let before = try solveIK(chain: Robots.twoLink, jointAngles: start, target: planarTarget("app2_ik_step"),
                                 options: IKOptions(maxIterations: 0))
        expectClose(before.endEffector, Fixture.vector("app2_ik_step", "end_effector"), 1e-12)
        expectClose(before.jacobian, Matrix(Fixture.matrix("app2_ik_step", "jacobian")), 1e-12)
        expectClose(before.error, Fixture.vector("app2_ik_step", "error"), 1e-12)
        #expect(before.status == .maxIterations && before.delta == [0, 0])

        let step = try solveIK(chain: Robots.twoLink, jointAngles: start, target: planarTarget("app2_ik_step"))
        #expect(step.iterations == 1)
        expectClose(step.delta, Fixture.vector("app2_ik_step", "delta"), 1e-12)
        expectClose(step.jointAngles, Fixture.vector("app2_ik_step", "new_joint_angles"), 1e-12)
        expectClose(step.trajectory[0].endEffector, Fixture.vector("app2_ik_step", "end_effector"), 1e-12)
        #expect(step.trajectory.count == 2)
    }

    @Test("the three-joint exercise converges to 1e-6 with every method", arguments: IKMethod.allCases)
    func threeJointExercise(method: IKMethod) throws {
        let budget = method == .transpose ? 5_000 : 200
        let result = try solveIK(chain: Robots.threeLink, jointAngles: Fixture.vector("ex4_ik_3joint", "joint_angles"),
                                 target: planarTarget("ex4_ik_3joint"),
                                 options: IKOptions(method: method, maxIterations: budget, tolerance: 1e-6))
        #expect(result.status == .converged, "\(result.message)")
        #expect(result.attempts == 1, "a sound first attempt, slow or not, is not abandoned: \(result.message)")
        #expect(result.errorNorm <= 1e-6)
        let reached = try Robots.threeLink.forwardKinematics(result.jointAngles).position
        expectClose(reached, [1.2, 1.1], 1e-6)
        #expect(result.message.hasPrefix("Converged"))
    }

    @Test("a fully stretched arm with the target beyond reach: damping keeps it calm, reported unreachable",
          arguments: [IKMethod.dampedLeastSquares, .levenbergMarquardt, .transpose])
    func stretchedBeyondReach(method: IKMethod) throws {
        for start in [[0.0, 0.0], [0.01, -0.01]] {
            let result = try solveIK(chain: Robots.twoLink, jointAngles: start,
                                     target: .planar(position: [2.5, 0.05], orientation: nil),
                                     options: IKOptions(method: method, maxIterations: 100))
            #expect(result.status == .unreachable, "\(result.message)")
            #expect(!result.converged)
            #expect(result.jointAngles.allSatisfy { $0.isFinite && abs($0) < 10 })
            // The closest point of the workspace is 1.8 along the target's direction.
            #expect(abs(result.errorNorm - (hypot(2.5, 0.05) - 1.8)) < 1e-3, "\(result.errorNorm)")
            #expect(result.message.contains("reaches at most 1.8"))
        }
    }

    @Test("a target inside the inner hole of a planar arm is unreachable")
    func insideInnerRadius() throws {
        let result = try solveIK(chain: .planar(linkLengths: [1, 0.3]), jointAngles: [0.2, 0.4],
                                 target: .planar(position: [0.1, 0.1], orientation: nil),
                                 options: IKOptions(method: .levenbergMarquardt, maxIterations: 50))
        #expect(result.status == .unreachable)
        #expect(result.message.contains("inside the radius"))
    }

    @Test("joint limits hold along the whole trajectory, the start clamped first", arguments: IKMethod.allCases)
    func jointLimitsRespected(method: IKMethod) throws {
        let limits = [[-0.5, 0.5], [0, 1.2], [-0.3, 0.3]]
        let start = [0.9, 0.3, -0.1]  // joint 0 starts above its limit
        let result = try solveIK(chain: Robots.threeLink, jointAngles: start,
                                 target: .planar(position: [-0.5, 1.5], orientation: nil),
                                 options: IKOptions(method: method, maxIterations: 100, jointLimits: limits, restarts: 0))
        for iterate in result.trajectory {
            for (q, range) in zip(iterate.jointAngles, limits) { #expect(q >= range[0] && q <= range[1]) }
        }
        #expect(result.trajectory[0].jointAngles == [0.5, 0.3, -0.1])
        expectClose(zip(start, result.delta).map { $0 + $1 }, result.trajectory[1].jointAngles, 1e-15)
        #expect(result.status == .jointLimits, "\(result.message)")
    }

    @Test("prismatic joints: a pose made by forward kinematics is reached within limits; limits bound the reach",
          arguments: IKMethod.allCases)
    func prismaticChain(method: IKMethod) throws {
        let limits = [[-3.0, 3], [-0.2, 0.2], [-3, 3], [-0.1, 0.3]]
        let goal = [0.5, 0.1, -0.4, 0.2]
        let target = try Robots.mixed.forwardKinematics(goal).position
        let options = IKOptions(method: method, maxIterations: 500, jointLimits: limits)
        let result = try solveIK(chain: Robots.mixed, jointAngles: [0.3, 0, -0.2, 0.1],
                                 target: .spatial(position: target, orientation: nil), options: options)
        #expect(result.status == .converged, "\(result.message)")
        for iterate in result.trajectory {
            for (q, range) in zip(iterate.jointAngles, limits) { #expect(q >= range[0] && q <= range[1]) }
        }
        // Σ √(a² + d²) with the prismatic d at its farthest limit is about 1.46: a target at 2 is out of reach.
        let far = try solveIK(chain: Robots.mixed, jointAngles: [0.3, 0, -0.2, 0.1],
                              target: .spatial(position: [2, 0, 0], orientation: nil), options: options)
        #expect(far.status == .unreachable, "\(far.message)")
    }

    @Test("an orientation target in the plane is met in position and angle")
    func planarOrientation() throws {
        let result = try solveIK(chain: Robots.threeLink, jointAngles: [0.3, 0.3, 0.3],
                                 target: .planar(position: [1.2, 1.1], orientation: 2.0),
                                 options: IKOptions(method: .levenbergMarquardt, maxIterations: 100))
        #expect(result.status == .converged, "\(result.message)")
        #expect(result.endEffector.count == 3)
        #expect(abs(remainder(result.jointAngles.reduce(0, +) - 2.0, 2 * .pi)) < 1e-6)
        #expect(result.orientationError! <= 1e-6)
    }

    @Test("UR5: a 6D target (position and orientation) from a reachable pose is met")
    func ur5SixDimensional() throws {
        let goal = [0.4, -1.0, 1.2, -0.5, 0.8, 0.3]
        let pose = try Robots.ur5.forwardKinematics(goal)
        let start = [0.0, -1.5, 1.5, 0.0, 1.5, 0.0]
        for method in [IKMethod.levenbergMarquardt, .pseudoinverse, .dampedLeastSquares] {
            let result = try solveIK(chain: Robots.ur5, jointAngles: start,
                                     target: .spatial(position: pose.position, orientation: pose.rotation),
                                     options: IKOptions(method: method, maxIterations: 500,
                                                        damping: method == .dampedLeastSquares ? 0.01 : nil))
            #expect(result.status == .converged, "\(method): \(result.message)")
            #expect(result.orientationError! <= 1e-6 && result.errorNorm <= 1e-6)
            #expect(result.endEffector.count == 6 && result.error.count == 6)
            #expect(result.jacobian.rows == 6 && result.jacobian.columns == 6)
            #expect(result.manipulability > 0 && result.minSingularValue > 0)
        }
    }

    @Test("a zero weight frees its axis: only x is matched")
    func weights() throws {
        let result = try solveIK(chain: Robots.twoLink, jointAngles: [0.5, 0.5],
                                 target: .planar(position: [0.3, 5], orientation: nil),
                                 options: IKOptions(method: .levenbergMarquardt, maxIterations: 100, weights: [1, 0]))
        #expect(result.status == .converged, "\(result.message)")
        #expect(abs(result.error[0]) <= 1e-6)
        #expect(result.errorNorm > 1)  // the unweighted error still reports the far-away y
    }

    @Test("Levenberg–Marquardt only accepts steps lowering the error; transpose steps lower it too here")
    func monotoneMethods() throws {
        for method in [IKMethod.levenbergMarquardt, .transpose] {
            let result = try solveIK(chain: Robots.threeLink, jointAngles: [0.3, 0.3, 0.3],
                                     target: .planar(position: [1.2, 1.1], orientation: nil),
                                     options: IKOptions(method: method, maxIterations: 30))
            let errors = result.trajectory.map(\.errorNorm)
            #expect(zip(errors, errors.dropFirst()).allSatisfy { $0 > $1 }, "\(method): \(errors)")
        }
    }

    @Test("a least-squares compromise at a regular configuration (Jᵀe = 0, e ≠ 0) is unreachable")
    func settledAtCompromise() throws {
        // Two joints cannot meet three task entries: this position forces φ = θ₁ + θ₂ away from the asked 3.0.
        let result = try solveIK(chain: .planar(linkLengths: [1, 1]), jointAngles: [0.2, 0.9],
                                 target: .planar(position: [1.2, 0.8], orientation: 3.0),
                                 options: IKOptions(method: .levenbergMarquardt, maxIterations: 500))
        #expect(result.status == .unreachable, "\(result.message)")
        #expect(result.message.contains("local minimum"))
        #expect(result.minSingularValue > 0.1)
        #expect(result.manipulability == 0)  // 3×2: J·Jᵀ is singular by shape
    }

    @Test("a stretched arm with a reachable target along it is singular: no method can move (without restarts)")
    func singularConfiguration() throws {
        let result = try solveIK(chain: Robots.twoLink, jointAngles: [0, 0],
                                 target: .planar(position: [1.5, 0], orientation: nil),
                                 options: IKOptions(maxIterations: 10, restarts: 0))
        #expect(result.status == .singular, "\(result.message)")
        #expect(result.minSingularValue < 1e-12 && result.manipulability < 1e-12)
        #expect(result.iterations == 0)
    }

    @Test("the budget running out mid-way is max_iterations; recordsTrajectory false keeps only the end")
    func maxIterationsAndTrajectoryOff() throws {
        let result = try solveIK(chain: Robots.threeLink, jointAngles: [0.3, 0.3, 0.3],
                                 target: .planar(position: [1.2, 1.1], orientation: nil),
                                 options: IKOptions(method: .transpose, maxIterations: 2, recordsTrajectory: false))
        #expect(result.status == .maxIterations)
        #expect(result.trajectory.count == 1 && result.trajectory[0].jointAngles == result.jointAngles)
        #expect(result.message.contains("max_iterations"))
    }

    @Test("bad input names its place in the solver's input")
    func inputErrors() {
        func location(chain: KinematicChain = Robots.twoLink, q: [Double] = [0, 0],
                      target: IKTarget = .planar(position: [1, 1], orientation: nil),
                      options: IKOptions = IKOptions()) -> KinematicsInput? {
            do {
                _ = try solveIK(chain: chain, jointAngles: q, target: target, options: options)
                return nil
            } catch let error as SolverInputError<KinematicsInput> { return error.location } catch { return nil }
        }
        let wholePosition = KinematicsInput.target(.position(index: nil))
        #expect(location(target: .planar(position: [1, 1, 1], orientation: nil)) == wholePosition)
        #expect(location(target: .spatial(position: [1, 1, 1], orientation: nil)) == wholePosition)
        #expect(location(chain: Robots.ur5, q: [0, 0, 0, 0, 0, 0], target: .planar(position: [1, 1], orientation: nil)) == wholePosition)
        #expect(location(target: .planar(position: [1, .nan], orientation: nil)) == .target(.position(index: 1)))
        #expect(location(target: .planar(position: [1, 1], orientation: .infinity)) == .target(.orientation(nil)))
        #expect(location(chain: .planar(linkLengths: [])) == .linkLengths(index: nil))
        #expect(location(q: [0]) == .jointAngles(index: nil))
        #expect(location(q: [0, .infinity]) == .jointAngles(index: 1))
        #expect(location(options: IKOptions(jointLimits: [[0, 1]])) == .jointLimits(row: nil, column: nil))
        #expect(location(options: IKOptions(jointLimits: [[0, 1], [1, 0]])) == .jointLimits(row: 1, column: nil))
        #expect(location(options: IKOptions(jointLimits: [[0, 1], [0]])) == .jointLimits(row: 1, column: nil))
        #expect(location(options: IKOptions(weights: [1])) == .weights(index: nil))
        #expect(location(options: IKOptions(weights: [1, -1])) == .weights(index: 1))
        #expect(location(options: IKOptions(weights: [0, 0])) == .weights(index: nil))
        #expect(location(options: IKOptions(maxIterations: 20_000)) == .maxIterations)
        #expect(location(options: IKOptions(stepSize: -1)) == .stepSize)
        #expect(location(options: IKOptions(damping: 0)) == .damping)
        #expect(location(options: IKOptions(tolerance: .nan)) == .tolerance)
        #expect(location(target: .planar(position: [1e10, 0], orientation: nil)) == .target(.position(index: 0)))
        #expect(location(chain: .planar(linkLengths: [1, 1e300])) == .linkLengths(index: 1))
        #expect(location(chain: .denavitHartenberg([DHJoint(a: 0, alpha: 0, d: 1e300, type: .prismatic)]), q: [0],
                         target: .spatial(position: [0, 0, 1], orientation: nil)) == .dhParameters(row: 0, column: .d))
        #expect(location(options: IKOptions(jointLimits: [[0, 1], [-.infinity, 0]])) == .jointLimits(row: 1, column: 0))
    }

    @Test("status and method raw values are the API's snake_case strings")
    func names() {
        #expect(IKStatus.allCases.map(\.rawValue) == ["converged", "unreachable", "timeout", "joint_limits", "singular", "max_iterations"])
        #expect(IKMethod.allCases.map(\.rawValue) == ["pseudoinverse", "damped_least_squares", "transpose", "levenberg_marquardt"])
    }
}
