/// A rigid transform: rotate, then translate. In a chain, the pose of a child frame in its parent's frame.
public struct RigidTransform: Hashable, Sendable {
    /// The rotation (the child's axes in the parent's frame).
    public var rotation: Rotation
    /// The child's origin in the parent's frame, [x, y, z].
    public var translation: [Double]

    /// No rotation, no translation.
    public static let identity = RigidTransform(rotation: .identity, translation: [0, 0, 0])

    /// The transform of a URDF `<origin xyz="…" rpy="…">`: roll about x, pitch about y, yaw about z, all about the
    /// parent's fixed axes, so R = Rz(yaw)·Ry(pitch)·Rx(roll).
    public init(xyz: [Double], rpy: [Double]) {
        let (cr, sr) = (cos(rpy[0]), sin(rpy[0]))
        let (cp, sp) = (cos(rpy[1]), sin(rpy[1]))
        let (cy, sy) = (cos(rpy[2]), sin(rpy[2]))
        rotation = Rotation(unchecked: [
            cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr,
            sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr,
            -sp, cp * sr, cp * cr,
        ])
        translation = xyz
    }

    /// A transform from its parts.
    public init(rotation: Rotation, translation: [Double]) {
        self.rotation = rotation
        self.translation = translation
    }

    /// self · other: `other` expressed in the frame `self` is expressed in.
    public func then(_ other: RigidTransform) -> RigidTransform {
        let a = rotation.entries, b = other.rotation.entries
        var r = [Double](repeating: 0, count: 9)
        for i in 0..<3 {
            for j in 0..<3 { r[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j] }
        }
        var t = translation
        for i in 0..<3 {
            t[i] += a[3 * i] * other.translation[0] + a[3 * i + 1] * other.translation[1] + a[3 * i + 2] * other.translation[2]
        }
        return RigidTransform(rotation: Rotation(unchecked: r), translation: t)
    }
}

/// One moving joint of a ``FrameChain``: a fixed transform from the previous joint's moving frame (or the base),
/// then a rotation about `axis` by q (revolute) or a translation along it by q (prismatic), as a URDF joint.
public struct FrameJoint: Hashable, Sendable {
    /// The joint's name, for messages.
    public var name: String
    /// Where the joint sits in the previous moving frame: fixed joints in between are folded into it.
    public var origin: RigidTransform
    /// Unit axis in the joint's frame.
    public var axis: [Double]
    /// Revolute (continuous joints too) or prismatic.
    public var type: DHJoint.JointType

    /// A joint; `axis` must be a unit vector.
    public init(name: String, origin: RigidTransform, axis: [Double], type: DHJoint.JointType) {
        self.name = name
        self.origin = origin
        self.axis = axis
        self.type = type
    }
}

/// A serial chain of general frames, as a URDF describes it: base · origin₁ · motion₁(q₁) · … · originₙ ·
/// motionₙ(qₙ) · tip.
public struct FrameChain: Hashable, Sendable {
    /// The moving joints from the base outwards.
    public var joints: [FrameJoint]
    /// From the last moving frame to the tip link (fixed joints after the last moving one); identity if none.
    public var tip: RigidTransform

    /// A chain from its parts.
    public init(joints: [FrameJoint], tip: RigidTransform = .identity) {
        self.joints = joints
        self.tip = tip
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
