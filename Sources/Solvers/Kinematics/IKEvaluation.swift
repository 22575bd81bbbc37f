/// Zero-filled storage for `count` doubles (at least one, so the pointer is never dangling); freed by its owner.
func allocateDoubles(_ count: Int) -> UnsafeMutableBufferPointer<Double> {
    let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(count, 1))
    buffer.initialize(repeating: 0)
    return buffer
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

    init(jointCount: Int, taskSize: Int) {
        self.jointCount = jointCount
        self.taskSize = taskSize
        joints = allocateDoubles(jointCount)
        position = allocateDoubles(3)
        rotation = allocateDoubles(9)
        error = allocateDoubles(taskSize)
        weightedError = allocateDoubles(taskSize)
        jacobian = allocateDoubles(taskSize * jointCount)
        weightedJacobian = allocateDoubles(taskSize * jointCount)
    }

    deinit {
        for buffer in [joints, position, rotation, error, weightedError, jacobian, weightedJacobian] {
            buffer.deallocate()
        }
    }

    /// Whether every error entry is a finite number.
    var isFinite: Bool { cost.isFinite && positionError.isFinite && orientationError.isFinite }

    /// The configuration as an array.
    var jointArray: [Double] { Array(joints) }
}
