/// One zero-filled allocation carved into buffers: an IK solve needs a few dozen small buffers, and one
/// malloc costs less than thirty.
struct DoubleArena {
    private let block: UnsafeMutableBufferPointer<Double>
    private var used = 0

    init(capacity: Int) {
        block = .allocate(capacity: max(capacity, 1))
        block.initialize(repeating: 0)
    }

    /// The next `count` doubles of the block.
    mutating func take(_ count: Int) -> UnsafeMutableBufferPointer<Double> {
        precondition(used + count <= block.count, "arena sized too small")
        defer { used += count }
        return UnsafeMutableBufferPointer(rebasing: block[used..<(used + count)])
    }

    func deallocate() { block.deallocate() }
}

/// Everything computed at one configuration: pose, error and task Jacobian, raw and weighted.
///
/// Preallocated and reused, so an IK iteration allocates nothing; a class so the solver can swap the
/// current and trial evaluations by reference.
final class IKEvaluation {
    /// Joints n and task size m.
    let jointCount: Int, taskSize: Int
    /// The configuration q (n).
    let joints: UnsafeMutableBufferPointer<Double>
    /// End-effector position (3; planar uses the first 2).
    let position: UnsafeMutableBufferPointer<Double>
    /// End-frame rotation, row-major 3×3 (spatial chains only).
    let rotation: UnsafeMutableBufferPointer<Double>
    /// Direction of the last link (planar chains only).
    var angle = 0.0
    /// Target minus task vector (m), unweighted.
    let error: UnsafeMutableBufferPointer<Double>
    /// Weighted error wᵢ·eᵢ (m).
    let weightedError: UnsafeMutableBufferPointer<Double>
    /// Task Jacobian, row-major m×n, unweighted.
    let jacobian: UnsafeMutableBufferPointer<Double>
    /// Task Jacobian with row i multiplied by wᵢ.
    let weightedJacobian: UnsafeMutableBufferPointer<Double>
    /// ½‖weighted error‖², the merit Levenberg–Marquardt decreases.
    var cost = 0.0
    /// ‖position error‖₂ and orientation error angle, unweighted (reported).
    var positionError = 0.0, orientationError = 0.0
    /// The same, weighted (judged against the tolerance).
    var weightedPositionError = 0.0, weightedOrientationError = 0.0

    private let arena: DoubleArena

    /// With `weighted` false (every weight 1) the weighted buffers are the unweighted ones, and no copy is made.
    init(jointCount: Int, taskSize: Int, weighted: Bool) {
        self.jointCount = jointCount
        self.taskSize = taskSize
        let copies = weighted ? 2 : 1
        var arena = DoubleArena(capacity: jointCount + 3 + 9 + copies * taskSize * (1 + jointCount))
        joints = arena.take(jointCount)
        position = arena.take(3)
        rotation = arena.take(9)
        error = arena.take(taskSize)
        jacobian = arena.take(taskSize * jointCount)
        weightedError = weighted ? arena.take(taskSize) : error
        weightedJacobian = weighted ? arena.take(taskSize * jointCount) : jacobian
        self.arena = arena
    }

    deinit { arena.deallocate() }

    /// Whether every error entry is a finite number.
    var isFinite: Bool { cost.isFinite && positionError.isFinite && orientationError.isFinite }

    /// The configuration as an array.
    var jointArray: [Double] { Array(joints) }
}
