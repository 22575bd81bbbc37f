import JacobianEngine

/// Where a chain's end frame is: position, and orientation (a rotation in space, an angle in the plane).
public struct EndEffectorPose: Hashable, Sendable {
    /// [x, y] for a planar chain, [x, y, z] otherwise.
    public let position: [Double]
    /// The end frame's orientation, for Denavit–Hartenberg chains.
    public let rotation: Rotation?
    /// The last link's direction φ = Σθ, for planar chains.
    public let angle: Double?
}

extension KinematicChain {
    /// The end-effector pose at `jointAngles`.
    /// - Throws: ``SolverInputError`` for an invalid chain or a configuration of the wrong length.
    public func forwardKinematics(_ jointAngles: [Double]) throws -> EndEffectorPose {
        let workspace = try evaluated(at: jointAngles)
        let e = workspace.current
        if case .planar = self {
            return EndEffectorPose(position: Array(e.position[0..<2]), rotation: nil, angle: e.angle)
        }
        return EndEffectorPose(position: Array(e.position), rotation: Rotation(unchecked: Array(e.rotation)), angle: nil)
    }

    /// The exact Jacobian of the full pose at `jointAngles`: planar 3×n (rows x, y, φ), Denavit–Hartenberg
    /// the 6×n geometric Jacobian (rows linear velocity x, y, z, then angular velocity x, y, z).
    public func jacobian(_ jointAngles: [Double]) throws -> Matrix {
        let workspace = try evaluated(at: jointAngles)
        return Matrix(rows: workspace.taskSize, columns: jointCount, storage: Array(workspace.current.jacobian))
    }

    /// The frame origins from the base (where joint 1 sits) through each later joint to the end effector:
    /// n + 1 points, for drawing the arm. For DH chains these are the DH frame origins.
    public func jointPositions(_ jointAngles: [Double]) throws -> [[Double]] {
        let workspace = try evaluated(at: jointAngles)
        let size = workspace.positionSize
        var points = (0..<jointCount).map { Array(workspace.origins[(3 * $0)..<(3 * $0 + size)]) }
        points.append(Array(workspace.current.position[0..<size]))
        return points
    }

    /// A workspace evaluated at `jointAngles` against a dummy target with orientation, so that every Jacobian row
    /// is filled.
    private func evaluated(at jointAngles: [Double]) throws -> IKWorkspace {
        try validate()
        guard jointAngles.count == jointCount else {
            throw SolverInputError(KinematicsInput.jointAngles(index: nil),
                                   "needs one value per joint (\(jointCount)), got \(jointAngles.count)")
        }
        try SolverInputError.requireBounded(jointAngles, at: KinematicsInput.jointAngles)
        let target: IKTarget = switch self {
        case .planar: .planar(position: [0, 0], orientation: 0)
        case .denavitHartenberg, .frames: .spatial(position: [0, 0, 0], orientation: .identity)
        }
        let workspace = IKWorkspace(chain: self, target: target, weights: nil, limits: nil)
        for i in 0..<jointCount { workspace.current.joints[i] = jointAngles[i] }
        workspace.evaluate(workspace.current)
        return workspace
    }
}
