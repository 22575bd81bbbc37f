import Solvers

/// Inverse kinematics of the UR5 as a user of `/v1/ik` gets it: 10,000 random 6-D targets (``IKWorkload``), each
/// one call of the public `solveIK` from the fixed start with the request's settings (Levenberg–Marquardt,
/// max_iterations 300, tolerance 1e-6, the arm's ±2π limits) and the request's defaults for everything else,
/// restarts included. The benchmark adds no loop of its own.
///
/// Run: `swift run -c release jacobian-bench ik`. `ik-restarts` repeats it for several `restarts` values, the
/// measurement behind ``IKOptions/defaultRestarts``.
func runIKBenchmark() {
    let targets = IKWorkload.targets(count: 10_000)
    print("ik benchmark: UR5, \(targets.count) random 6-D targets, \(IKWorkload.method.rawValue), max_iterations "
        + "\(IKWorkload.maxIterations), tolerance \(IKWorkload.tolerance), default restarts (\(IKOptions.defaultRestarts))")
    let row = measureIK(targets: targets, options: IKWorkload.options())
    print(row.report)
    let verdict = row.solvedShare >= 0.999 && row.cpuMicroseconds <= 30 ? "met" : "NOT met"
    print("  target ≥ 99.9% solved at ≤ 30 µs mean CPU per solve: \(verdict)")
}

/// The same targets with `restarts` 0, 1, 2, 3, 5, 10, 20 and 50: how many are solved and at what cost.
func runIKRestartSweep() {
    let targets = IKWorkload.targets(count: 10_000)
    print("ik restarts sweep: UR5, \(targets.count) random 6-D targets, \(IKWorkload.method.rawValue), "
        + "max_iterations \(IKWorkload.maxIterations), tolerance \(IKWorkload.tolerance)")
    for restarts in [0, 1, 2, 3, 5, 10, 20, 50] {
        print("restarts \(restarts):")
        print(measureIK(targets: targets, options: IKWorkload.options(restarts: restarts)).report)
    }
}

private struct IKBenchmarkRow {
    var solved = 0, count = 0, iterations = 0, evaluations = 0, attempts = 0, mostAttemptsNeeded = 0
    var statuses: [IKStatus: Int] = [:]
    var wallSeconds = 0.0, cpuSeconds = 0.0

    var solvedShare: Double { Double(solved) / Double(count) }
    var cpuMicroseconds: Double { cpuSeconds / Double(count) * 1e6 }

    var report: String {
        let failures = statuses.filter { $0.key != .converged }.map { "\($0.key.rawValue) \($0.value)" }.sorted()
        return """
              solved:           \(solved)/\(count) = \(IKWorkload.percent(solvedShare))\(failures.isEmpty ? "" : "  (others: \(failures.joined(separator: ", ")))")
              CPU per solve:    \(IKWorkload.rounded(cpuMicroseconds)) µs  (process CPU time, every attempt included)
              wall per solve:   \(IKWorkload.rounded(wallSeconds / Double(count) * 1e6)) µs  (includes waits on a shared machine)
              attempts:         \(IKWorkload.rounded(Double(attempts) / Double(count))) per solve, at most \(mostAttemptsNeeded) for a solved one
              iterations:       \(IKWorkload.rounded(Double(iterations) / Double(count))) per solve (the attempt returned)
              evaluations:      \(IKWorkload.rounded(Double(evaluations) / Double(count))) per solve (every attempt, rejected trials included)
            """
    }
}

private func measureIK(targets: [(position: [Double], rotation: Rotation)], options: IKOptions) -> IKBenchmarkRow {
    let goals = targets.map { IKTarget.spatial(position: $0.position, orientation: $0.rotation) }
    func solve(_ target: IKTarget) -> IKResult {
        try! solveIK(chain: IKWorkload.ur5, jointAngles: IKWorkload.start, target: target, options: options)
    }
    for target in goals.prefix(200) { _ = solve(target) }  // warm caches and LAPACK before measuring
    var row = IKBenchmarkRow(count: goals.count)
    let clock = ContinuousClock()
    let cpuBefore = IKWorkload.processCPUSeconds()
    let elapsed = clock.measure {
        for target in goals {
            let result = solve(target)
            row.statuses[result.status, default: 0] += 1
            row.iterations += result.iterations
            row.attempts += result.attempts
            row.evaluations += result.evaluations
            if result.converged {
                row.solved += 1
                row.mostAttemptsNeeded = max(row.mostAttemptsNeeded, result.attempts)
            }
        }
    }
    row.cpuSeconds = IKWorkload.processCPUSeconds() - cpuBefore
    row.wallSeconds = IKWorkload.seconds(elapsed)
    return row
}
