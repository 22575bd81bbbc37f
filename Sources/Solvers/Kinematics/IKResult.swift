import JacobianEngine

/// Why an inverse-kinematics solve stopped, in order of precedence: the first that applies is reported.
public enum IKStatus: String, Codable, Hashable, Sendable, CaseIterable {
    /// The (weighted) position error, and orientation error when asked, are within tolerance at the returned
    /// configuration.
    case converged
    /// The target lies beyond the chain's reach (or inside a planar chain's inner hole), or the iteration settled
    /// at a nonzero error where Jᵀe vanishes at a regular configuration: no joint motion lowers the error from here.
    case unreachable
    /// The time limit (or the caller's cancellation check) ended the search before any attempt converged.
    case timeout
    /// The last step was cut short by a joint limit: the limits are what stop further progress.
    case jointLimits = "joint_limits"
    /// The configuration is singular (σ_min ≤ 1e-6·σ_max of the task Jacobian) and the target was not reached.
    case singular
    /// The iteration budget ran out, or the attempt was cut as stalled to make room for a restart, while still
    /// making progress.
    case maxIterations = "max_iterations"
}

/// One accepted configuration of an IK solve.
public struct IKIterate: Hashable, Sendable {
    /// The joint values.
    public let jointAngles: [Double]
    /// The task vector there (see ``IKResult/endEffector``).
    public let endEffector: [Double]
    /// The position error ‖target − position‖₂ there.
    public let errorNorm: Double
}

/// The outcome of ``solveIK(chain:jointAngles:target:options:)``.
public struct IKResult: Hashable, Sendable {
    /// The first change applied to the given joint angles: step size, limits and the initial clamp included,
    /// so `jointAngles + delta` is the first iterate (the clamped start when no step was taken). When a restart is
    /// returned, its first iterate minus the given joint angles.
    public let delta: [Double]
    /// The final configuration.
    public let jointAngles: [Double]
    /// The task vector at the final configuration: planar [x, y] or [x, y, φ]; spatial [x, y, z] or
    /// [x, y, z, rx, ry, rz] with the end frame's orientation as a rotation vector (axis·angle).
    public let endEffector: [Double]
    /// The end frame's orientation, for Denavit–Hartenberg chains; nil for planar chains.
    public let endEffectorRotation: Rotation?
    /// Target minus end effector, unweighted: position entries, then the orientation error (planar: φ difference
    /// wrapped into (−π, π]; spatial: the rotation vector of R_target·R_currentᵀ).
    public let error: [Double]
    /// The position part of ``error``'s Euclidean norm.
    public let errorNorm: Double
    /// The rotation angle of the orientation error in radians; nil when no orientation was asked.
    public let orientationError: Double?
    /// The task Jacobian ∂(task vector)/∂q at the final configuration, unweighted, rows as in ``error``.
    public let jacobian: Matrix
    /// Yoshikawa's manipulability √det(J·Jᵀ), the product of J's singular values (0 when J has more rows than
    /// columns, since J·Jᵀ is then singular).
    public let manipulability: Double
    /// The smallest of J's min(rows, columns) singular values: distance to the nearest singular Jacobian.
    public let minSingularValue: Double
    /// Accepted steps taken by the attempt returned (rejected Levenberg–Marquardt trials do not count).
    public let iterations: Int
    /// Attempts made: 1 from the given joint angles, plus the restarts that ran.
    public let attempts: Int
    /// Forward-kinematics evaluations over every attempt, rejected Levenberg–Marquardt trials included: the work the
    /// solve did, independent of the machine.
    public let evaluations: Int
    /// `status == .converged`.
    public var converged: Bool { status == .converged }
    /// Why the solve stopped.
    public let status: IKStatus
    /// A sentence explaining the status, with the numbers behind it (written on first read).
    public var message: String { details.message }
    /// The numbers ``message`` is made from.
    let details: IKStatusDetails
    /// The accepted configurations of the attempt returned, its (clamped) start first; only the final one when
    /// ``IKOptions/recordsTrajectory`` is false.
    public let trajectory: [IKIterate]
}
