/// The chain, target, weights and limits laid out in flat buffers, two evaluations (current and trial) and the
/// scratch space of one step: everything an IK iteration touches, allocated once per solve.
final class IKWorkspace {
    let jointCount: Int, taskSize: Int, positionSize: Int
    let isPlanar: Bool
    /// Whether the chain is a ``FrameChain`` (URDF) rather than Denavit–Hartenberg (when not planar).
    let isFrames: Bool
    /// Frame chains: each joint's origin rotation (9n, row-major) and translation (3n), its unit axis (3n), and the
    /// tip's fixed rotation (9) and translation (3).
    let frameRotation: UnsafeMutableBufferPointer<Double>, frameTranslation: UnsafeMutableBufferPointer<Double>
    let frameAxis: UnsafeMutableBufferPointer<Double>
    let tipRotation: UnsafeMutableBufferPointer<Double>, tipTranslation: UnsafeMutableBufferPointer<Double>
    let hasOrientation: Bool
    /// Planar link lengths, or DH a (n).
    let linkA: UnsafeMutableBufferPointer<Double>
    /// DH d, θ offset, cos α, sin α (n each); 1 for a prismatic joint in `prismatic`.
    let linkD: UnsafeMutableBufferPointer<Double>, linkOffset: UnsafeMutableBufferPointer<Double>
    let cosAlpha: UnsafeMutableBufferPointer<Double>, sinAlpha: UnsafeMutableBufferPointer<Double>
    let prismatic: UnsafeMutableBufferPointer<Double>
    /// Target position (3), rotation (9, row-major) and planar angle.
    let targetPosition: UnsafeMutableBufferPointer<Double>, targetRotation: UnsafeMutableBufferPointer<Double>
    let targetAngle: Double
    /// Per task-entry weights (m).
    let weights: UnsafeMutableBufferPointer<Double>
    /// Whether any weight differs from 1; if not, evaluations skip the weighted copies.
    let isWeighted: Bool
    /// Joint limits (n each), or nil.
    let lower: UnsafeMutableBufferPointer<Double>?, upper: UnsafeMutableBufferPointer<Double>?
    /// Frame origins and z axes before each joint (3n each), filled by forward kinematics.
    let origins: UnsafeMutableBufferPointer<Double>, axes: UnsafeMutableBufferPointer<Double>
    /// Step scratch: m×m system, m right-hand side, n step and n gradient.
    let system: UnsafeMutableBufferPointer<Double>, rhs: UnsafeMutableBufferPointer<Double>
    let step: UnsafeMutableBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>
    /// Forward-kinematics evaluations so far (every attempt, rejected trials included): the work of a solve.
    var evaluations = 0
    /// The accepted configuration's evaluation, and the one being tried.
    var current: IKEvaluation, trial: IKEvaluation

    /// Lays out a validated problem.
    init(chain: KinematicChain, target: IKTarget, weights: [Double]?, limits: [[Double]]?) {
        let n = chain.jointCount
        let m = target.taskSize
        let isFrames = if case .frames = chain { true } else { false }
        let frameSize = isFrames ? 15 * n + 12 : 0
        var arena = DoubleArena(capacity: 16 * n + 12 + m * m + 2 * m + frameSize)
        self.isFrames = isFrames
        jointCount = n
        taskSize = m
        positionSize = target.positionSize
        hasOrientation = target.hasOrientation
        linkA = arena.take(n)
        linkD = arena.take(n)
        linkOffset = arena.take(n)
        cosAlpha = arena.take(n)
        sinAlpha = arena.take(n)
        prismatic = arena.take(n)
        frameRotation = arena.take(isFrames ? 9 * n : 0)
        frameTranslation = arena.take(isFrames ? 3 * n : 0)
        frameAxis = arena.take(isFrames ? 3 * n : 0)
        tipRotation = arena.take(isFrames ? 9 : 0)
        tipTranslation = arena.take(isFrames ? 3 : 0)
        switch chain {
        case .planar(let lengths):
            isPlanar = true
            for i in 0..<n { linkA[i] = lengths[i] }
        case .denavitHartenberg(let joints):
            isPlanar = false
            for (i, joint) in joints.enumerated() {
                linkA[i] = joint.a
                linkD[i] = joint.d
                linkOffset[i] = joint.offset
                cosAlpha[i] = cos(joint.alpha)
                sinAlpha[i] = sin(joint.alpha)
                prismatic[i] = joint.type == .prismatic ? 1 : 0
            }
        case .frames(let frames):
            isPlanar = false
            for (i, joint) in frames.joints.enumerated() {
                for k in 0..<9 { frameRotation[9 * i + k] = joint.origin.rotation.entries[k] }
                for k in 0..<3 {
                    frameTranslation[3 * i + k] = joint.origin.translation[k]
                    frameAxis[3 * i + k] = joint.axis[k]
                }
                prismatic[i] = joint.type == .prismatic ? 1 : 0
            }
            for k in 0..<9 { tipRotation[k] = frames.tip.rotation.entries[k] }
            for k in 0..<3 { tipTranslation[k] = frames.tip.translation[k] }
        }
        targetPosition = arena.take(3)
        targetRotation = arena.take(9)
        var angle = 0.0
        switch target {
        case .planar(let position, let orientation):
            (targetPosition[0], targetPosition[1]) = (position[0], position[1])
            angle = orientation ?? 0
        case .spatial(let position, let orientation):
            for i in 0..<3 { targetPosition[i] = position[i] }
            for i in 0..<9 { targetRotation[i] = (orientation ?? .identity).entries[i] }
        }
        targetAngle = angle
        self.weights = arena.take(m)
        for i in 0..<m { self.weights[i] = weights?[i] ?? 1 }
        if let limits {
            let low = arena.take(n), high = arena.take(n)
            for i in 0..<n { (low[i], high[i]) = (limits[i][0], limits[i][1]) }
            (lower, upper) = (low, high)
        } else {
            (lower, upper) = (nil, nil)
        }
        origins = arena.take(3 * n)
        axes = arena.take(3 * n)
        system = arena.take(m * m)
        rhs = arena.take(m)
        step = arena.take(n)
        gradient = arena.take(n)
        self.arena = arena
        isWeighted = weights?.contains { $0 != 1 } ?? false
        current = IKEvaluation(jointCount: n, taskSize: m, weighted: isWeighted)
        trial = IKEvaluation(jointCount: n, taskSize: m, weighted: isWeighted)
    }

    /// Backs every buffer above.
    private let arena: DoubleArena

    deinit { arena.deallocate() }

    /// Clamps `q` into the joint limits; returns whether any entry moved.
    @discardableResult
    func clamp(_ q: UnsafeMutableBufferPointer<Double>) -> Bool {
        guard let lower, let upper else { return false }
        var moved = false
        for i in 0..<jointCount {
            let clamped = min(max(q[i], lower[i]), upper[i])
            if clamped != q[i] { moved = true }
            q[i] = clamped
        }
        return moved
    }

    /// Swaps the trial into place as the current evaluation.
    func acceptTrial() {
        swap(&current, &trial)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
