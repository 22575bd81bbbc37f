import JacobianEngine
import Solvers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The UR5 workload both IK benchmarks share: the arm, the fixed start, the request's settings and the random
/// reachable targets, so the in-process and the HTTP figures measure the same solves.
enum IKWorkload {
    /// The UR5's published standard DH parameters (Universal Robots, "DH parameters for calculations of kinematics
    /// and dynamics").
    static let ur5 = KinematicChain.denavitHartenberg([
        DHJoint(a: 0, alpha: .pi / 2, d: 0.089159),
        DHJoint(a: -0.425, alpha: 0, d: 0),
        DHJoint(a: -0.39225, alpha: 0, d: 0),
        DHJoint(a: 0, alpha: .pi / 2, d: 0.10915),
        DHJoint(a: 0, alpha: -.pi / 2, d: 0.09465),
        DHJoint(a: 0, alpha: 0, d: 0.0823),
    ])
    /// One fixed start for every target, as a user without a better guess would send.
    static let start = [0.0, -1.5, 1.5, 0.0, 1.5, 0.0]
    /// The real arm's ±2π on every joint.
    static let limits = Array(repeating: [-2 * Double.pi, 2 * .pi], count: 6)
    /// What the request sets; everything else (restarts, time limit, damping, preference) is the default.
    static let method = IKMethod.levenbergMarquardt
    static let maxIterations = 300
    static let tolerance = 1e-6

    /// The options a request with the settings above gets: `restarts` nil is the request's default.
    static func options(restarts: Int? = nil) -> IKOptions {
        IKOptions(method: method, maxIterations: maxIterations, tolerance: tolerance, jointLimits: limits,
                  recordsTrajectory: false, restarts: restarts)
    }

    /// `count` 6-D targets made by forward kinematics from joint angles drawn uniformly in [−π, π], so every one
    /// is reachable: position and rotation (row-major 3×3).
    static func targets(count: Int, seed: UInt64 = 20_261_127) -> [(position: [Double], rotation: Rotation)] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let q = (0..<6).map { _ in Double.random(in: -.pi ... .pi, using: &generator) }
            let pose = try! ur5.forwardKinematics(q)
            return (pose.position, pose.rotation!)
        }
    }

    /// CPU time consumed by this process, which unlike wall time ignores other processes sharing the cores.
    static func processCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    static func rounded(_ value: Double) -> String { String((value * 100).rounded() / 100) }

    static func percent(_ share: Double) -> String { String((share * 10_000).rounded() / 100) + "%" }
}
