import Foundation
import JacobianEngine
import Testing
@testable import Solvers

/// Restarts, the time limit, `prefer: nearest`, and the edge cases of issue #19 (step size, huge quaternions).
@Suite("IK restarts")
struct IKRestartTests {
    /// A reachable 6-D UR5 pose that Levenberg–Marquardt does not reach from the benchmark's fixed start without a
    /// restart (found by scanning the seeded poses below).
    static func hardTarget() throws -> IKTarget {
        var generator = SeededDoubles(seed: 7)
        for _ in 0..<200 {
            let q = (0..<6).map { _ in generator.next(in: -.pi ... .pi) }
            let pose = try Robots.ur5.forwardKinematics(q)
            let target = IKTarget.spatial(position: pose.position, orientation: pose.rotation)
            let single = try solveIK(chain: Robots.ur5, jointAngles: start, target: target,
                                     options: options(restarts: 0))
            if !single.converged { return target }
        }
        throw SolverInputError(KinematicsInput.targets, "no hard target among 200")
    }

    static let start = [0.0, -1.5, 1.5, 0.0, 1.5, 0.0]
    static let limits = Array(repeating: [-2 * Double.pi, 2 * .pi], count: 6)

    static func options(restarts: Int? = nil, preference: IKPreference = .first) -> IKOptions {
        IKOptions(method: .levenbergMarquardt, maxIterations: 300, jointLimits: limits, restarts: restarts,
                  preference: preference)
    }

    @Test("a target the start alone misses is solved by a restart, and the message names the attempts")
    func restartsReachWhatIsReachable() throws {
        let target = try Self.hardTarget()
        let result = try solveIK(chain: Robots.ur5, jointAngles: Self.start, target: target, options: Self.options())
        #expect(result.converged, "\(result.message)")
        #expect(result.attempts > 1 && result.attempts <= 1 + IKOptions.defaultRestarts)
        #expect(result.message.contains("attempt \(result.attempts) of \(result.attempts) attempt(s)"), "\(result.message)")
        let reached = try Robots.ur5.forwardKinematics(result.jointAngles).position
        #expect(zip(reached, target.position).allSatisfy { abs($0 - $1) <= 1e-6 })
    }

    @Test("the same request twice gives the same answer, bit for bit")
    func reproducible() throws {
        let target = try Self.hardTarget()
        let first = try solveIK(chain: Robots.ur5, jointAngles: Self.start, target: target, options: Self.options())
        let second = try solveIK(chain: Robots.ur5, jointAngles: Self.start, target: target, options: Self.options())
        #expect(first.jointAngles.map(\.bitPattern) == second.jointAngles.map(\.bitPattern))
        #expect(first.attempts == second.attempts && first.message == second.message)
        #expect(first.trajectory == second.trajectory)
    }

    @Test("restart draws stay inside the joint limits, one turn wide for wide revolute limits")
    func drawsStayInsideLimits() {
        let limits = [[-0.5, 0.25], [0.1, 0.2], [-10, 10], [-100, -99]]
        let sampler = IKRestartSampler(chain: Robots.mixed, limits: limits, start: [0, 0.15, 0, -99.5],
                                       target: .spatial(position: [1, 0, 0], orientation: nil))
        var draws = sampler
        let q = UnsafeMutableBufferPointer<Double>.allocate(capacity: 4)
        defer { q.deallocate() }
        var spread = [Double](repeating: 0, count: 4)
        for _ in 0..<2_000 {
            draws.draw(into: q)
            for i in 0..<4 {
                #expect(q[i] >= limits[i][0] && q[i] <= limits[i][1])
                spread[i] = max(spread[i], abs(q[i]))
            }
        }
        // Joint 2 (revolute, limits ±10): one turn around 0, so never beyond π.
        #expect(spread[2] <= .pi && spread[2] > 3)
    }

    @Test("every attempt of an unreachable search stays inside the limits, and the closest is returned")
    func unreachableAfterItsAttempts() throws {
        let limits = [[-1.0, 1.0], [-2.0, 2.0], [-2.0, 2.0]]
        let result = try solveIK(chain: Robots.threeLink, jointAngles: [0.1, 0.1, 0.1],
                                 target: .planar(position: [3, 0.4], orientation: nil),
                                 options: IKOptions(method: .levenbergMarquardt, maxIterations: 200, jointLimits: limits,
                                                    restarts: 7))
        #expect(result.status == .unreachable, "\(result.message)")
        #expect(result.attempts == 8)
        #expect(result.message.contains("Closest of 8 attempt(s)"), "\(result.message)")
        // The closest point of the workspace is at the full reach 2.4 towards the target.
        #expect(abs(result.errorNorm - (hypot(3, 0.4) - 2.4)) < 1e-3, "\(result.errorNorm)")
        for iterate in result.trajectory {
            for (q, range) in zip(iterate.jointAngles, limits) { #expect(q >= range[0] && q <= range[1]) }
        }
    }

    @Test("restarts 0 is one attempt; the tutorial's single step never restarts")
    func restartsOff() throws {
        let off = try solveIK(chain: Robots.threeLink, jointAngles: [0.1, 0.1, 0.1],
                              target: .planar(position: [3, 0.4], orientation: nil),
                              options: IKOptions(method: .levenbergMarquardt, maxIterations: 200, restarts: 0))
        #expect(off.attempts == 1 && !off.message.contains("attempt"))
        let step = try solveIK(chain: Robots.twoLink, jointAngles: [0.5, 0.5], target: .planar(position: [1.5, 0.5], orientation: nil))
        #expect(step.attempts == 1 && step.status == .maxIterations)
        #expect(IKOptions().effectiveRestarts == 0 && IKOptions(maxIterations: 2).effectiveRestarts == IKOptions.defaultRestarts)
    }

    @Test("the time limit is honoured: a search that cannot succeed stops at it with status timeout")
    func timeLimitHonoured() throws {
        // 200 joints and the SVD of the pseudo-inverse method: each iteration costs real time.
        let chain = KinematicChain.planar(linkLengths: Array(repeating: 0.01, count: 200))
        let limit = Duration.milliseconds(100)
        let clock = ContinuousClock()
        var result: IKResult?
        let elapsed = try clock.measure {
            result = try solveIK(chain: chain, jointAngles: Array(repeating: 0.01, count: 200),
                                 target: .planar(position: [1.5, 1.5], orientation: 0.3),
                                 options: IKOptions(method: .pseudoinverse, maxIterations: 10_000,
                                                    restarts: IKOptions.restartLimit, timeLimit: limit))
        }
        let outcome = try #require(result)
        // Beyond reach (Σ = 2 < 2.12): the reach test outranks the timeout, and the message still says so.
        #expect(outcome.status == .unreachable)
        #expect(elapsed < .seconds(2), "took \(elapsed)")
        #expect(outcome.attempts < 1 + IKOptions.restartLimit)

        let reachable = try solveIK(chain: chain, jointAngles: Array(repeating: 0.01, count: 200),
                                    target: .planar(position: [0.5, 0.5], orientation: 0.3),
                                    options: IKOptions(method: .transpose, maxIterations: 10_000, tolerance: 0,
                                                       restarts: IKOptions.restartLimit, timeLimit: .milliseconds(50)))
        #expect(reachable.status == .timeout, "\(reachable.message)")
        #expect(reachable.message.contains("time limit"))
    }

    @Test("a cancellation check stops the search like the time limit")
    func cancellationHook() throws {
        let calls = Counter()
        let result = try solveIK(chain: Robots.threeLink, jointAngles: [0.1, 0.1, 0.1],
                                 target: .planar(position: [1.2, 1.1], orientation: nil),
                                 options: IKOptions(method: .transpose, maxIterations: 10_000, tolerance: 0),
                                 isCancelled: { calls.value += 1; return calls.value > 5 })
        #expect(result.status == .timeout && result.iterations == 5)
    }

    @Test("prefer nearest returns a solution no farther from the start than the first one found")
    func preferNearest() throws {
        var generator = SeededDoubles(seed: 11)
        for _ in 0..<8 {
            let q = (0..<6).map { _ in generator.next(in: -.pi ... .pi) }
            let pose = try Robots.ur5.forwardKinematics(q)
            let target = IKTarget.spatial(position: pose.position, orientation: pose.rotation)
            let first = try solveIK(chain: Robots.ur5, jointAngles: Self.start, target: target, options: Self.options())
            let nearest = try solveIK(chain: Robots.ur5, jointAngles: Self.start, target: target,
                                      options: Self.options(preference: .nearest))
            #expect(first.converged && nearest.converged)
            #expect(nearest.attempts == 1 + IKOptions.defaultRestarts)
            func distance(_ r: IKResult) -> Double { zip(r.jointAngles, Self.start).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
            #expect(distance(nearest) <= distance(first) + 1e-12)
        }
    }

    @Test("a step size above 2 is refused with its bound (1e308 used to throw the joints to 8e307)")
    func absurdStepSizeRefused() {
        #expect(throws: SolverInputError<KinematicsInput>.self) {
            try solveIK(chain: Robots.twoLink, jointAngles: [0.5, 0.5], target: .planar(position: [1.5, 0.5], orientation: nil),
                        options: IKOptions(stepSize: 1e308))
        }
        do {
            _ = try solveIK(chain: Robots.twoLink, jointAngles: [0.5, 0.5], target: .planar(position: [1.5, 0.5], orientation: nil),
                            options: IKOptions(stepSize: 2.5))
        } catch let error as SolverInputError<KinematicsInput> {
            #expect(error.location == .stepSize && error.message.contains("at most 2"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect((try? solveIK(chain: Robots.twoLink, jointAngles: [0.5, 0.5],
                              target: .planar(position: [1.5, 0.5], orientation: nil), options: IKOptions(stepSize: 2))) != nil)
    }

    @Test("a quaternion whose norm overflows is scaled first, not read as the identity")
    func hugeQuaternion() throws {
        let huge = try Rotation(quaternion: [1e308, 1e308, 1e308, 1e308])
        let unit = try Rotation(quaternion: [0.5, 0.5, 0.5, 0.5])
        #expect(zip(huge.entries, unit.entries).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(zip(huge.entries, [0.0, 0, 1, 1, 0, 0, 0, 1, 0]).allSatisfy { abs($0 - $1) < 1e-15 })
        let tiny = try Rotation(quaternion: [0, Double(sign: .plus, exponent: -1063, significand: 1), 0, 0])
        #expect(zip(tiny.entries, [1.0, 0, 0, 0, -1, 0, 0, 0, -1]).allSatisfy { abs($0 - $1) < 1e-15 })
        // The UR5 at its zero pose is not at that orientation: the solve must not report converged at once.
        let zero = try Robots.ur5.forwardKinematics([0, 0, 0, 0, 0, 0])
        let result = try solveIK(chain: Robots.ur5, jointAngles: [0, 0, 0, 0, 0, 0],
                                 target: .spatial(position: zero.position, orientation: huge),
                                 options: IKOptions(method: .levenbergMarquardt, maxIterations: 0))
        #expect(!result.converged && (result.orientationError ?? 0) > 1)
    }
}

/// A counter a non-escaping closure can bump.
private final class Counter: @unchecked Sendable { var value = 0 }

/// Seeded doubles (SplitMix64) for test poses.
struct SeededDoubles {
    private var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + generator.unit() * (range.upperBound - range.lowerBound)
    }
}
