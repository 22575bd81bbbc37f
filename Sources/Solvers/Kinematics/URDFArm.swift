import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A serial chain read from a URDF (the Unified Robot Description Format of ROS, MoveIt, KDL and TRAC-IK): the
/// joints from a base link to a tip link, with their origins, axes and limits.
///
/// Supported on the chain: `revolute`, `continuous` (a revolute joint without limits), `prismatic` and `fixed`
/// joints (folded into the next joint's origin, or into the tip); `<origin xyz rpy>` (default zero), `<axis xyz>`
/// (default 1 0 0, normalised), `<limit lower upper>` (required for revolute and prismatic joints, as the URDF
/// specification says). Joints off the chain are read but not checked beyond their links. Everything else
/// (visuals, collisions, inertia, transmissions, Gazebo tags) is ignored.
///
/// The XML goes through Foundation's `XMLParser` (libxml2); documents with a DTD are refused, so no entity is ever
/// expanded.
public struct URDFArm: Sendable {
    /// The chain from the base link to the tip link.
    public let chain: KinematicChain
    /// The moving joints' names, in chain order.
    public let jointNames: [String]
    /// One [lower, upper] per moving joint; a continuous joint gets ±``KinematicChain/magnitudeLimit``
    /// (no limit). Nil when every moving joint is continuous.
    public let limits: [[Double]]?

    /// Reads the chain from `base` to `tip` in `urdf`.
    /// - Throws: ``SolverInputError`` at ``KinematicsInput/urdf``, `base` or `tip` and a message naming the element at fault
    ///   (and its line): malformed XML, a DTD, a root other than `<robot>`, a missing or duplicate name, a joint
    ///   without parent or child or naming an undeclared link, a link with two parent joints (not a tree), a base or
    ///   tip that is not declared or not connected, an unsupported joint type on the chain, a missing or inverted
    ///   limit, a malformed number list, a zero axis, or a chain without moving joints or with too many.
    public init(urdf: String, base: String, tip: String) throws {
        let model = try URDFModel(parsing: urdf)
        guard model.links.contains(base) else {
            throw SolverInputError(KinematicsInput.base, "link '\(base)' is not declared in the URDF\(Self.known(model))")
        }
        guard model.links.contains(tip) else {
            throw SolverInputError(KinematicsInput.tip, "link '\(tip)' is not declared in the URDF\(Self.known(model))")
        }
        // Walk up from the tip to the base: in a tree the path is unique.
        var path: [URDFModel.Joint] = []
        var link = tip
        while link != base {
            guard let joint = model.parentJoint[link] else {
                throw SolverInputError(KinematicsInput.tip, "link '\(tip)' is not connected to base link '\(base)': "
                    + "walking up from it ends at the root link '\(link)'")
            }
            path.append(joint)
            link = joint.parent
            if path.count > model.joints.count {
                throw SolverInputError(KinematicsInput.urdf, "the joints form a cycle through link '\(link)'")
            }
        }
        path.reverse()
        guard !path.isEmpty else {
            throw SolverInputError(KinematicsInput.tip, "the base and the tip are the same link '\(base)': no joints between them")
        }

        var joints: [FrameJoint] = []
        var names: [String] = []
        var limits: [[Double]] = []
        var pending = RigidTransform.identity  // fixed joints since the last moving one
        for joint in path {
            let origin = pending.then(joint.origin)
            switch joint.type {
            case "fixed":
                pending = origin
                continue
            case "revolute", "continuous", "prismatic":
                break
            default:
                throw SolverInputError(KinematicsInput.urdf, "\(joint.described) has type '\(joint.type)', which a serial "
                    + "chain cannot use here; supported: revolute, continuous, prismatic, fixed")
            }
            let norm = LinearAlgebra.norm(joint.axis)
            guard norm > 1e-12 else { throw SolverInputError(KinematicsInput.urdf, "\(joint.described) has a zero <axis>") }
            joints.append(FrameJoint(name: joint.name, origin: origin, axis: joint.axis.map { $0 / norm },
                                     type: joint.type == "prismatic" ? .prismatic : .revolute))
            names.append(joint.name)
            if joint.type == "continuous" {
                limits.append([-KinematicChain.magnitudeLimit, KinematicChain.magnitudeLimit])
            } else {
                guard let range = joint.limit else {
                    throw SolverInputError(KinematicsInput.urdf, "\(joint.described) of type \(joint.type) needs <limit lower=\"…\" upper=\"…\">")
                }
                guard range[0] <= range[1] else {
                    throw SolverInputError(KinematicsInput.urdf, "\(joint.described): <limit> lower \(range[0]) is above upper \(range[1])")
                }
                limits.append(range)
            }
            pending = .identity
        }
        guard !joints.isEmpty else {
            throw SolverInputError(KinematicsInput.urdf, "every joint between '\(base)' and '\(tip)' is fixed: nothing to move")
        }
        guard joints.count <= KinematicChain.maximumJointCount else {
            throw SolverInputError(KinematicsInput.urdf, "at most \(KinematicChain.maximumJointCount) moving joints, got \(joints.count)")
        }
        chain = .frames(FrameChain(joints: joints, tip: pending))
        jointNames = names
        let allContinuous = zip(path.filter { $0.type != "fixed" }, limits).allSatisfy { $0.0.type == "continuous" }
        self.limits = allContinuous ? nil : limits
    }

    /// ": it declares 'a', 'b', …" for a message, at most eight names.
    private static func known(_ model: URDFModel) -> String {
        let names = model.linkOrder.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
        return model.linkOrder.isEmpty ? " (it declares no links)" : "; it declares \(names)\(model.linkOrder.count > 8 ? ", …" : "")"
    }
}
