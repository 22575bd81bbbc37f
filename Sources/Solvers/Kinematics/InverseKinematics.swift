/// Moves the joints of `chain` from `jointAngles` towards `target` with the method in `options`, restarting from
/// other configurations when an attempt does not converge.
///
/// An attempt iterates from one start: each iteration computes a step from the weighted error and task Jacobian,
/// scales it by the step size and clamps the result into the joint limits. Levenberg–Marquardt keeps a step only if
/// it lowers ½‖e‖² and otherwise retries with three times the damping; the other methods always keep it. An attempt
/// stops when the error is within tolerance, when its iterations run out, or when the applied step becomes
/// negligible.
///
/// The first attempt starts from `jointAngles`. If it does not converge, up to ``IKOptions/effectiveRestarts`` more
/// start from configurations drawn inside the joint limits by a generator seeded from the start and the target, so
/// the same call always returns the same answer, bit for bit (unless the time limit or `isCancelled` cuts it
/// short). With ``IKPreference/first`` the first converged attempt is returned; with ``IKPreference/nearest`` every
/// attempt runs and the converged configuration closest to `jointAngles` is returned. When none converges, the
/// attempt that came closest (least ½‖weighted error‖²) is returned, its status decided at its configuration (see
/// ``IKStatus`` for the precedence).
///
/// - Parameter isCancelled: consulted with the time limit once per iteration; returning true ends the search as
///   the time limit does. For callers that learn mid-solve that nobody wants the answer any more.
/// - Throws: ``SolverInputError`` for malformed input; ``LinearAlgebraError`` if LAPACK fails.
public func solveIK(
    chain: KinematicChain, jointAngles: [Double], target: IKTarget, options: IKOptions = IKOptions(),
    isCancelled: (() -> Bool)? = nil
) throws -> IKResult {
    try validateIK(chain: chain, jointAngles: jointAngles, target: target, options: options)
    let workspace = IKWorkspace(chain: chain, target: target, weights: options.weights, limits: options.jointLimits)
    let stop = IKStopCheck(timeLimit: options.timeLimit, isCancelled: isCancelled)
    let allowedAttempts = 1 + options.effectiveRestarts
    var sampler: IKRestartSampler?
    var search = IKSearch(allowedAttempts: allowedAttempts)
    var chosen: IKAttempt?, closest: IKAttempt?

    while search.attempts < allowedAttempts {
        if search.attempts == 0 {
            for i in 0..<jointAngles.count { workspace.current.joints[i] = jointAngles[i] }
            workspace.clamp(workspace.current.joints)
        } else {
            if stop.shouldStop() {
                search.interrupted = true
                break
            }
            if sampler == nil {
                sampler = IKRestartSampler(chain: chain, limits: options.jointLimits, start: jointAngles, target: target)
            }
            sampler!.draw(into: workspace.current.joints)
        }
        workspace.evaluate(workspace.current)
        search.attempts += 1
        if !workspace.current.isFinite {
            if search.attempts == 1 {
                throw SolverInputError(KinematicsInput.jointAngles(index: nil),
                                       "the chain's pose is not finite at these joint values")
            }
            continue
        }
        // Only where measured: Levenberg–Marquardt at full steps divides the error far faster than the stall rule
        // asks; the transpose method, heavy damping or short steps converge linearly and would be cut while sound.
        let mayAbandon = search.attempts < allowedAttempts && options.method == .levenbergMarquardt && options.stepSize == 1
        let attempt = try runAttempt(workspace, options: options, stop: stop, index: search.attempts, mayAbandon: mayAbandon)
        if attempt.run.interrupted { search.interrupted = true }
        if attempt.converged {
            if options.preference == .first {
                chosen = attempt
                break
            }
            if chosen.map({ attempt.distance(to: jointAngles) < $0.distance(to: jointAngles) }) ?? true {
                chosen = attempt
            }
        } else if chosen == nil, closest.map({ attempt.cost < $0.cost }) ?? true {
            closest = attempt
        }
        if search.interrupted { break }
    }
    // The first attempt always runs (a finite start is checked above), so one of the two is set.
    let returned = (chosen ?? closest)!
    search.returnedAttempt = returned.index
    for i in 0..<returned.joints.count { workspace.current.joints[i] = returned.joints[i] }
    workspace.evaluate(workspace.current)
    let delta = zip(returned.firstIterate, jointAngles).map { $0 - $1 }
    return try workspace.result(chain: chain, target: target, options: options, run: returned.run, search: search,
                                delta: delta, finalIterate: returned.finalIterate)
}

/// One attempt from the configuration loaded and evaluated in `workspace.current`; leaves its last configuration
/// there.
///
/// With `mayAbandon` (a restart remains, Levenberg–Marquardt at step size 1), an attempt whose ½‖e‖² fell by less than ``IKRun/stallFactor`` over the
/// last ``IKRun/stallWindow`` iterations is abandoned as stalled: crawling towards a singular configuration or a
/// local minimum costs more than starting again.
private func runAttempt(_ workspace: IKWorkspace, options: IKOptions, stop: IKStopCheck, index: Int,
                        mayAbandon: Bool) throws -> IKAttempt {
    var run = IKRun(options: options)
    var windowCost = workspace.current.cost
    if options.recordsTrajectory { run.trajectory.append(workspace.iterate(workspace.current)) }
    var firstIterate = workspace.current.jointArray
    var lambda = options.effectiveDamping

    iterations: while !workspace.isConverged(tolerance: options.tolerance), run.iterations < options.maxIterations {
        if stop.shouldStop() {
            run.interrupted = true
            break
        }
        if mayAbandon, run.iterations > 0, run.iterations % IKRun.stallWindow == 0 {
            if workspace.current.cost > IKRun.stallFactor * windowCost {
                run.stalled = true
                break
            }
            windowCost = workspace.current.cost
        }
        let minimumStep = 1e-14 * (1 + workspace.currentJointNorm)
        while true {
            if options.method == .levenbergMarquardt, lambda > IKRun.maximumLambda {
                run.noProgress = true
                break iterations
            }
            guard try workspace.computeStep(options.method, lambda: lambda) else {
                // JJᵀ + λI lost definiteness to rounding: damp more, within the same bound as LM's rejections.
                guard lambda <= IKRun.maximumLambda else {
                    run.noProgress = true
                    break iterations
                }
                lambda = max(lambda * 10, IKRun.minimumLambda)
                continue
            }
            let (clipped, length) = workspace.proposeTrial(stepSize: options.stepSize)
            run.lastStepClipped = clipped
            if !(length > minimumStep) {
                // More damping would only shorten the step further: the first-order model sees no way down.
                run.noProgress = true
                break iterations
            }
            workspace.evaluate(workspace.trial, withJacobian: options.method != .levenbergMarquardt)
            if options.method == .levenbergMarquardt {
                guard workspace.trial.isFinite, workspace.trial.cost < workspace.current.cost else {
                    lambda *= IKRun.dampingFactor
                    continue
                }
                workspace.completeJacobian(workspace.trial)
                lambda = max(lambda / IKRun.dampingFactor, IKRun.minimumLambda)
            } else if !workspace.trial.isFinite {
                run.noProgress = true
                break iterations
            }
            break
        }
        workspace.acceptTrial()
        run.iterations += 1
        if run.iterations == 1 { firstIterate = workspace.current.jointArray }
        if options.recordsTrajectory { run.trajectory.append(workspace.iterate(workspace.current)) }
    }
    let finalIterate = options.recordsTrajectory ? run.trajectory[run.trajectory.count - 1] : workspace.iterate(workspace.current)
    if !options.recordsTrajectory { run.trajectory = [finalIterate] }
    return IKAttempt(index: index, joints: workspace.current.jointArray, firstIterate: firstIterate,
                     finalIterate: finalIterate, cost: workspace.current.cost,
                     converged: workspace.isConverged(tolerance: options.tolerance), run: run)
}

/// What one attempt ended with.
struct IKAttempt {
    /// 1 for the attempt from the given start, 2 for the first restart, and so on.
    let index: Int
    let joints: [Double]
    let firstIterate: [Double]
    let finalIterate: IKIterate
    /// ½‖weighted error‖² at `joints`.
    let cost: Double
    let converged: Bool
    let run: IKRun

    /// Euclidean distance in joint space.
    func distance(to q: [Double]) -> Double {
        zip(joints, q).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }
}

/// Book-keeping of the attempts of one solve.
struct IKSearch: Hashable, Sendable {
    /// 1 + the restarts allowed.
    let allowedAttempts: Int
    /// Attempts started.
    var attempts = 0
    /// The time limit or the caller's check ended the search.
    var interrupted = false
    /// Index of the attempt returned.
    var returnedAttempt = 1
}

/// Book-keeping of one attempt, read when classifying it.
struct IKRun {
    /// Levenberg–Marquardt divides λ by this after an accepted step and multiplies it after a rejected one.
    /// 3 rather than the textbook 10: on the UR5 benchmark it wasted fewer trials (20.7 evaluations per target
    /// against 24.0) and cut the mean solve time by about a tenth, see docs/BENCHMARKS.md.
    static let dampingFactor = 3.0
    /// Levenberg–Marquardt gives up when λ exceeds this: steps are then ≈ Jᵀe/λ, far below any tolerance.
    static let maximumLambda = 1e12
    /// λ never drops below this, so that a later failure needs only a few multiplications to recover.
    static let minimumLambda = 1e-12
    /// Iterations between the stall checks of an attempt that may be abandoned.
    static let stallWindow = 10
    /// An attempt that may be abandoned is, when ½‖e‖² did not fall below this fraction over a window.
    static let stallFactor = 0.5

    let options: IKOptions
    var iterations = 0
    var trajectory: [IKIterate] = []
    /// The loop stopped because no step changed the configuration (or none lowered the error).
    var noProgress = false
    /// The last proposed step was cut by a joint limit.
    var lastStepClipped = false
    /// The time limit or the caller's check stopped this attempt.
    var interrupted = false
    /// The attempt was cut by the stall rule to make room for a restart, while still (slowly) lowering the error.
    var stalled = false
}

extension IKWorkspace {
    /// Whether the weighted position and orientation errors are within `tolerance`.
    func isConverged(tolerance: Double) -> Bool {
        current.weightedPositionError <= tolerance && current.weightedOrientationError <= tolerance
    }
}
