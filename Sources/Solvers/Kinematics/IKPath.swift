/// The outcome of ``solveIKPath(chain:jointAngles:targets:options:timeLimit:isCancelled:)``.
public struct IKPathResult: Sendable {
    /// One result per target, in order.
    public let results: [IKResult]
    /// The largest change of any one joint between consecutive solutions (0 for a single target): where a smooth
    /// path of targets jumped to another branch of solutions.
    public let largestJointChange: Double
    /// Where ``largestJointChange`` happens: the target whose solution differs most from the one before, and the
    /// joint; nil for a single target.
    public let largestJointChangeAt: (target: Int, joint: Int)?
    /// How many targets converged.
    public var solvedCount: Int { results.lazy.filter(\.converged).count }
}

/// Thrown by ``solveIKPath(chain:jointAngles:targets:options:timeLimit:isCancelled:)`` when the whole path did not
/// finish within its time limit.
public struct IKPathTimeLimitExceeded: Error, Sendable {
    /// Targets solved before the limit.
    public let solvedTargets: Int
    /// The limit.
    public let timeLimit: Duration
}

/// The most targets one path may have: bounds the work and the size of the answer.
public let ikPathTargetLimit = 1_000

/// Solves `targets` in order, each from the previous solution (the first from `jointAngles`), so that a smooth
/// path of targets gives a smooth path of joints. Each target is one ``solveIK(chain:jointAngles:target:options:isCancelled:)``
/// with `options` (its restarts and its own time limit included); `options.recordsTrajectory` is ignored (no
/// trajectories are kept).
///
/// - Parameter timeLimit: for the whole path; nil for none.
/// - Throws: ``SolverInputError`` for malformed input (``KinematicsInput/pathTarget(index:_:)`` for a target), including more than
///   ``ikPathTargetLimit`` targets; ``IKPathTimeLimitExceeded`` when `timeLimit` runs out before the last target;
///   ``LinearAlgebraError`` if LAPACK fails.
public func solveIKPath(
    chain: KinematicChain, jointAngles: [Double], targets: [IKTarget], options: IKOptions = IKOptions(),
    timeLimit: Duration? = nil, isCancelled: (() -> Bool)? = nil
) throws -> IKPathResult {
    if targets.isEmpty { throw SolverInputError(KinematicsInput.targets, "needs at least one target") }
    if targets.count > ikPathTargetLimit {
        throw SolverInputError(KinematicsInput.targets, "at most \(ikPathTargetLimit) targets (limit maxPathTargets), got \(targets.count)")
    }
    let deadline = timeLimit.map { ContinuousClock.now + $0 }
    var options = options
    options.recordsTrajectory = false
    var results: [IKResult] = []
    results.reserveCapacity(targets.count)
    var start = jointAngles
    for (index, target) in targets.enumerated() {
        var targetOptions = options
        if let deadline, let timeLimit {
            // A target's own limit never reaches past the path's: the path stops on time, not one solve later.
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw IKPathTimeLimitExceeded(solvedTargets: index, timeLimit: timeLimit) }
            targetOptions.timeLimit = min(options.timeLimit ?? remaining, remaining)
        }
        let result: IKResult
        do {
            result = try solveIK(chain: chain, jointAngles: start, target: target, options: targetOptions,
                                 isCancelled: isCancelled)
        } catch let error as SolverInputError<KinematicsInput> {
            // solveIK names its one target; here it is one of many.
            guard case .target(let part) = error.location else { throw error }
            throw SolverInputError(KinematicsInput.pathTarget(index: index, part), error.message)
        }
        if result.status == .timeout, let deadline, let timeLimit, ContinuousClock.now >= deadline {
            throw IKPathTimeLimitExceeded(solvedTargets: index, timeLimit: timeLimit)
        }
        results.append(result)
        start = result.jointAngles
    }
    var largest = 0.0
    var at: (target: Int, joint: Int)?
    for i in results.indices.dropFirst() {
        for (j, (now, before)) in zip(results[i].jointAngles, results[i - 1].jointAngles).enumerated() where abs(now - before) > largest || at == nil {
            largest = abs(now - before)
            at = (i, j)
        }
    }
    return IKPathResult(results: results, largestJointChange: largest, largestJointChangeAt: at)
}
