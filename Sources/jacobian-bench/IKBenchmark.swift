import Solvers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator, so every run solves the same targets.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Inverse kinematics of the UR5 (published standard DH parameters): 10,000 random 6D targets (position and
/// orientation) made by forward kinematics from joint angles drawn uniformly in [−π, π], each solved with
/// Levenberg–Marquardt from one fixed start, with joint limits ±2π as on the real arm. A solve that does not
/// converge restarts from random configurations (same seeded generator) inside the measured time.
///
/// Run: `swift run -c release jacobian-bench ik`.
func runIKBenchmark() {
    let ur5 = KinematicChain.denavitHartenberg([
        DHJoint(a: 0, alpha: .pi / 2, d: 0.089159),
        DHJoint(a: -0.425, alpha: 0, d: 0),
        DHJoint(a: -0.39225, alpha: 0, d: 0),
        DHJoint(a: 0, alpha: .pi / 2, d: 0.10915),
        DHJoint(a: 0, alpha: -.pi / 2, d: 0.09465),
        DHJoint(a: 0, alpha: 0, d: 0.0823),
    ])
    let targetCount = 10_000
    let maximumRestarts = 20
    let start = [0.0, -1.5, 1.5, 0.0, 1.5, 0.0]
    let options = IKOptions(method: .levenbergMarquardt, maxIterations: 20, tolerance: 1e-6,
                            jointLimits: Array(repeating: [-2 * .pi, 2 * .pi], count: 6), recordsTrajectory: false)

    var generator = SplitMix64(state: 20_261_127)
    func randomConfiguration() -> [Double] { (0..<6).map { _ in Double.random(in: -.pi ... .pi, using: &generator) } }
    let targets: [IKTarget] = (0..<targetCount).map { _ in
        let pose = try! ur5.forwardKinematics(randomConfiguration())
        return .spatial(position: pose.position, orientation: pose.rotation)
    }

    var solved = 0, iterations = 0, restarts = 0, solvedFirstTry = 0
    var restartGenerator = SplitMix64(state: 42)
    func solve(_ target: IKTarget) -> Bool {
        var result = try! solveIK(chain: ur5, jointAngles: start, target: target, options: options)
        iterations += result.iterations
        if result.converged { solvedFirstTry += 1 }
        var attempt = 0
        while !result.converged, attempt < maximumRestarts {
            attempt += 1
            restarts += 1
            let seed = (0..<6).map { _ in Double.random(in: -.pi ... .pi, using: &restartGenerator) }
            result = try! solveIK(chain: ur5, jointAngles: seed, target: target, options: options)
            iterations += result.iterations
        }
        return result.converged
    }

    for target in targets.prefix(200) { _ = solve(target) }  // warm caches and LAPACK before measuring
    (solved, iterations, restarts, solvedFirstTry) = (0, 0, 0, 0)

    let clock = ContinuousClock()
    let cpuBefore = processCPUSeconds()
    let elapsed = clock.measure {
        for target in targets where solve(target) { solved += 1 }
    }
    let cpuSeconds = processCPUSeconds() - cpuBefore
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let share = Double(solved) / Double(targetCount)
    print("ik benchmark: UR5, \(targetCount) random 6D targets, Levenberg–Marquardt, tolerance 1e-6, ≤ \(maximumRestarts) restarts")
    print("  solved:           \(solved)/\(targetCount) = \(percent(share))  (first try: \(percent(Double(solvedFirstTry) / Double(targetCount))))")
    print("  mean per target:  \(rounded(seconds / Double(targetCount) * 1e6)) µs  (total \(rounded(seconds)) s, restarts included)")
    print("  CPU per target:   \(rounded(cpuSeconds / Double(targetCount) * 1e6)) µs  (process CPU time; wall time above includes waits on a shared machine)")
    print("  iterations:       \(rounded(Double(iterations) / Double(targetCount))) per target, \(restarts) restarts in all")
    let wallMean = seconds / Double(targetCount), cpuMean = cpuSeconds / Double(targetCount)
    let verdict = { (mean: Double) in share >= 0.995 && mean < 40e-6 ? "met" : "NOT met" }
    print("  target ≥ 99.5% at < 40 µs: \(verdict(wallMean)) on wall time, \(verdict(cpuMean)) on CPU time")
}

/// CPU time consumed by this process, which unlike wall time ignores other processes sharing the cores.
private func processCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
}

private func rounded(_ value: Double) -> String {
    String((value * 100).rounded() / 100)
}

private func percent(_ share: Double) -> String {
    String((share * 10_000).rounded() / 100) + "%"
}
