/// Where in the input of the kinematics solvers (a chain, joint values, targets, ``IKOptions``) a refused value
/// sits: ``solveIK(chain:jointAngles:target:options:isCancelled:)``, ``solveIKPath(chain:jointAngles:targets:options:timeLimit:isCancelled:)``,
/// forward kinematics and ``URDFArm``.
public enum KinematicsInput: Hashable, Sendable {
    /// A planar chain's link lengths: entry `index`, or the list as a whole (no joints, too many) when nil.
    case linkLengths(index: Int?)
    /// A Denavit–Hartenberg chain's joints: the list as a whole (no joints, too many).
    case dhJoints
    /// Parameter `column` of Denavit–Hartenberg joint `row`.
    case dhParameters(row: Int, column: DHJoint.Parameter)
    /// The URDF document (what is wrong is in the message: the element, the line).
    case urdf
    /// The URDF chain's base link name.
    case base
    /// The URDF chain's tip link name.
    case tip
    /// The joint values: entry `index`, or the vector as a whole (its length) when nil.
    case jointAngles(index: Int?)
    /// The target of a single solve.
    case target(IKTargetPart)
    /// Target `index` of a path.
    case pathTarget(index: Int, IKTargetPart)
    /// The targets of a path as a whole (none, too many).
    case targets
    /// ``IKOptions/maxIterations``.
    case maxIterations
    /// ``IKOptions/tolerance``.
    case tolerance
    /// ``IKOptions/stepSize``.
    case stepSize
    /// ``IKOptions/restarts``.
    case restarts
    /// ``IKOptions/timeLimit``.
    case timeLimit
    /// ``IKOptions/damping``.
    case damping
    /// ``IKOptions/jointLimits``: the whole list (nil row), pair `row` (nil column), or bound `column` (0 low, 1 high).
    case jointLimits(row: Int?, column: Int?)
    /// ``IKOptions/weights``: entry `index`, or the list as a whole when nil.
    case weights(index: Int?)
}

/// The part of one ``IKTarget`` a refused value is in.
public enum IKTargetPart: Hashable, Sendable {
    /// The position: coordinate `index`, or the position as a whole (its length, its kind) when nil.
    case position(index: Int?)
    /// The orientation: a planar angle when nil, else the part of the ``Rotation`` it was made from.
    case orientation(RotationInput?)
}

/// Where in the input of a ``Rotation`` initializer a refused value sits.
public enum RotationInput: Hashable, Sendable {
    /// ``Rotation/init(rows:)``: the matrix as a whole (its shape, orthonormality, determinant).
    case matrix
    /// ``Rotation/init(rows:)``: the entry at `row`, `column`.
    case matrixEntry(row: Int, column: Int)
    /// ``Rotation/init(quaternion:)``: the quaternion as a whole (its length; all zero).
    case quaternion
    /// ``Rotation/init(quaternion:)``: component `index` of [w, x, y, z].
    case quaternionComponent(index: Int)
}
