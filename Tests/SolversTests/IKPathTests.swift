import Foundation
import Testing
@testable import Solvers

@Suite("IK paths")
struct IKPathTests {
    /// 60 poses along a circle of radius 0.1 in the vertical plane in front of the UR5, the tool pointing the same way throughout.
    static func circle(count: Int = 60) throws -> [IKTarget] {
        let reference = try Robots.ur5.forwardKinematics([0.5, -1.0, 1.5, -2.0, -1.57, 0.0])
        return (0..<count).map { k in
            let angle = 2 * Double.pi * Double(k) / Double(count)
            let p = reference.position
            return .spatial(position: [p[0], p[1] + 0.1 * sin(angle), p[2] + 0.1 * (cos(angle) - 1)],
                            orientation: reference.rotation)
        }
    }

    @Test("a smooth path of targets gives small joint changes, warm-started target by target")
    func smoothPath() throws {
        let targets = try Self.circle()
        let path = try solveIKPath(chain: Robots.ur5, jointAngles: [0.5, -1.0, 1.5, -2.0, -1.57, 0.0], targets: targets,
                                   options: IKOptions(method: .levenbergMarquardt, maxIterations: 100))
        #expect(path.results.count == 60 && path.solvedCount == 60, "\(path.results.map { "\($0.status) \($0.attempts) \($0.errorNorm)" })")
        // Neighbouring targets are 2π·0.1/60 ≈ 1 cm apart: no joint should move more than about 0.1 rad.
        #expect(path.largestJointChange < 0.1, "\(path.largestJointChange) at \(String(describing: path.largestJointChangeAt))")
        #expect(path.results.allSatisfy { $0.attempts == 1 })
        #expect(path.largestJointChangeAt != nil)
    }

    @Test("a path is reproducible bit for bit, and one target gives no joint change")
    func reproducibleAndSingle() throws {
        let targets = try Self.circle(count: 5)
        let options = IKOptions(method: .levenbergMarquardt, maxIterations: 100)
        let a = try solveIKPath(chain: Robots.ur5, jointAngles: [0, -1.5, 1.5, 0, 1.5, 0], targets: targets, options: options)
        let b = try solveIKPath(chain: Robots.ur5, jointAngles: [0, -1.5, 1.5, 0, 1.5, 0], targets: targets, options: options)
        #expect(a.results.map { $0.jointAngles.map(\.bitPattern) } == b.results.map { $0.jointAngles.map(\.bitPattern) })
        let one = try solveIKPath(chain: Robots.ur5, jointAngles: [0, -1.5, 1.5, 0, 1.5, 0], targets: [targets[0]], options: options)
        #expect(one.largestJointChange == 0 && one.largestJointChangeAt == nil)
    }

    @Test("too many targets, a bad target and the path's time limit are refused by name")
    func limits() throws {
        let target = IKTarget.planar(position: [1, 1], orientation: nil)
        #expect(throws: SolverInputError<KinematicsInput>.self) {
            try solveIKPath(chain: Robots.twoLink, jointAngles: [0, 0], targets: Array(repeating: target, count: ikPathTargetLimit + 1))
        }
        do {
            _ = try solveIKPath(chain: Robots.twoLink, jointAngles: [0, 0], targets: [target, .planar(position: [1], orientation: nil)])
            Issue.record("a one-coordinate target was accepted")
        } catch let error as SolverInputError<KinematicsInput> {
            #expect(error.location == .pathTarget(index: 1, .position(index: nil)))
        }
        let long = KinematicChain.planar(linkLengths: Array(repeating: 0.01, count: 200))
        let far = IKTarget.planar(position: [0.5, 0.5], orientation: 0.3)
        do {
            _ = try solveIKPath(chain: long, jointAngles: Array(repeating: 0.01, count: 200), targets: Array(repeating: far, count: 50),
                                options: IKOptions(method: .transpose, maxIterations: 10_000, tolerance: 0),
                                timeLimit: .milliseconds(100))
            Issue.record("the path finished within 100 ms")
        } catch let error as IKPathTimeLimitExceeded {
            #expect(error.solvedTargets < 50)
        }
    }
}
