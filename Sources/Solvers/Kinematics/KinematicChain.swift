/// A serial chain of joints whose forward kinematics and exact Jacobian the solvers know in closed form.
public enum KinematicChain: Hashable, Sendable {
    /// Revolute joints in a plane, as in the tutorial: joint i turns link i by θᵢ relative to the previous link,
    /// so link i points at angle φᵢ = θ₁ + … + θᵢ. The end effector is (x, y), or (x, y, φₙ) with an
    /// orientation target.
    case planar(linkLengths: [Double])
    /// Joints described by standard Denavit–Hartenberg parameters, base frame at the origin.
    case denavitHartenberg([DHJoint])
    /// Joints described by general frames and axes, as in a URDF (see ``URDFArm``), base frame at the origin.
    case frames(FrameChain)

    /// The most joints a chain may have: bounds the work and memory of one request.
    public static let maximumJointCount = 256

    /// The largest magnitude a kinematic quantity (length, angle, coordinate, limit) may have. Far beyond any
    /// physical arm in any unit, and small enough that products of a few hundred such numbers, as in J·Jᵀ, stay
    /// finite: no overflow can reach the solvers.
    public static let magnitudeLimit = 1e9

    /// The number of joints, the length of a configuration.
    public var jointCount: Int {
        switch self {
        case .planar(let lengths): lengths.count
        case .denavitHartenberg(let joints): joints.count
        case .frames(let chain): chain.joints.count
        }
    }

    /// Throws a ``SolverInputError`` for an empty or oversized chain, or non-finite, huge or negative parameters.
    func validate() throws {
        typealias Check = SolverInputError<KinematicsInput>
        func usable(_ x: Double) -> Bool { abs(x) <= Self.magnitudeLimit }  // false for NaN and infinity too
        switch self {
        case .planar(let lengths):
            try Self.validateCount(lengths.count, at: .linkLengths(index: nil))
            try Check.requireBounded(lengths, at: KinematicsInput.linkLengths)
            if let i = lengths.firstIndex(where: { $0 < 0 }) {
                throw Check(.linkLengths(index: i), "a link length must not be negative")
            }
        case .denavitHartenberg(let joints):
            try Self.validateCount(joints.count, at: .dhJoints)
            for (i, joint) in joints.enumerated() {
                if let parameter = DHJoint.Parameter.allCases.first(where: { !usable(joint[$0]) }) {
                    throw Check(.dhParameters(row: i, column: parameter),
                                "must be a finite number of magnitude at most \(Self.magnitudeLimit)")
                }
            }
        case .frames(let chain):
            try Self.validateCount(chain.joints.count, at: .urdf)
            for joint in chain.joints {
                let numbers = joint.origin.translation + joint.origin.rotation.entries + joint.axis
                if !numbers.allSatisfy(usable) {
                    throw Check(.urdf, "joint '\(joint.name)' has a non-finite or huge origin or axis")
                }
            }
            if !(chain.tip.translation + chain.tip.rotation.entries).allSatisfy(usable) {
                throw Check(.urdf, "the tip's fixed transform is non-finite or huge")
            }
        }
    }

    private static func validateCount(_ count: Int, at location: KinematicsInput) throws {
        if count == 0 { throw SolverInputError(location, "the chain has no joints") }
        if count > maximumJointCount {
            throw SolverInputError(location, "at most \(maximumJointCount) joints, got \(count)")
        }
    }

    /// An upper bound on the distance from the base to the end effector over all configurations within `limits`
    /// (nil limits: unbounded joints), or nil when unbounded (a prismatic joint without limits).
    func reach(limits: [[Double]]?) -> Double? {
        switch self {
        case .planar(let lengths):
            return lengths.reduce(0, +)
        case .denavitHartenberg(let joints):
            var total = 0.0
            for (i, joint) in joints.enumerated() {
                // Consecutive frame origins are √(a² + d²) apart; a prismatic joint adds q to d.
                var d = abs(joint.d)
                if joint.type == .prismatic {
                    guard let range = limits?[i] else { return nil }
                    d = max(abs(joint.d + range[0]), abs(joint.d + range[1]))
                }
                total += (joint.a * joint.a + d * d).squareRoot()
            }
            return total
        case .frames(let chain):
            // Each origin moves the next joint by its translation; a prismatic joint adds its travel.
            var total = LinearAlgebra.norm(chain.tip.translation)
            for (i, joint) in chain.joints.enumerated() {
                total += LinearAlgebra.norm(joint.origin.translation)
                if joint.type == .prismatic {
                    guard let range = limits?[i] else { return nil }
                    total += max(abs(range[0]), abs(range[1]))
                }
            }
            return total
        }
    }

    /// Whether joint `i` moves along rather than about its axis.
    func isPrismatic(_ i: Int) -> Bool {
        switch self {
        case .planar: false
        case .denavitHartenberg(let joints): joints[i].type == .prismatic
        case .frames(let chain): chain.joints[i].type == .prismatic
        }
    }

    /// The sum of the chain's fixed link dimensions (prismatic travel excluded): the scale over which restarts
    /// draw a prismatic joint that has no limits.
    var characteristicLength: Double {
        switch self {
        case .planar(let lengths): lengths.reduce(0) { $0 + abs($1) }
        case .denavitHartenberg(let joints): joints.reduce(0) { $0 + abs($1.a) + abs($1.d) }
        case .frames(let chain):
            chain.joints.reduce(LinearAlgebra.norm(chain.tip.translation)) { $0 + LinearAlgebra.norm($1.origin.translation) }
        }
    }

    /// For planar chains, the radius of the hole around the base no configuration reaches:
    /// max(0, 2·longest − total). Zero for other chains (not computed).
    var innerReach: Double {
        guard case .planar(let lengths) = self else { return 0 }
        return max(0, 2 * (lengths.max() ?? 0) - lengths.reduce(0, +))
    }
}

/// One joint in standard Denavit–Hartenberg convention: the transform from frame i−1 to frame i is
/// Rz(θ)·Tz(d)·Tx(a)·Rx(α), with θ = q + offset for a revolute joint, and θ = offset, d + q for a prismatic one.
public struct DHJoint: Hashable, Sendable {
    /// Whether the joint variable q is an angle (about z) or a length (along z).
    public enum JointType: String, Codable, Hashable, Sendable {
        /// q rotates about the previous frame's z axis.
        case revolute
        /// q translates along the previous frame's z axis.
        case prismatic
    }

    /// Link length: distance along xᵢ from zᵢ₋₁ to zᵢ.
    public var a: Double
    /// Link twist: angle about xᵢ from zᵢ₋₁ to zᵢ, radians.
    public var alpha: Double
    /// Link offset: distance along zᵢ₋₁ (plus q for a prismatic joint).
    public var d: Double
    /// Constant added to θ (default 0), for robots whose zero pose is not the DH zero.
    public var offset: Double
    /// Default `.revolute`, by far the commonest joint.
    public var type: JointType

    /// The four numbers of a joint, in the order they are checked.
    public enum Parameter: Hashable, Sendable, CaseIterable {
        case a, alpha, d, offset
    }

    /// The value of `parameter`.
    public subscript(parameter: Parameter) -> Double {
        switch parameter {
        case .a: a
        case .alpha: alpha
        case .d: d
        case .offset: offset
        }
    }

    /// A joint with the given parameters.
    public init(a: Double, alpha: Double, d: Double, offset: Double = 0, type: JointType = .revolute) {
        self.a = a
        self.alpha = alpha
        self.d = d
        self.offset = offset
        self.type = type
    }
}
