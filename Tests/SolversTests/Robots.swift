import Foundation
@testable import Solvers

/// Chains shared by the kinematics tests.
enum Robots {
    /// The UR5's published standard DH parameters (Universal Robots, "DH parameters for calculations of
    /// kinematics and dynamics").
    static let ur5 = KinematicChain.denavitHartenberg([
        DHJoint(a: 0, alpha: .pi / 2, d: 0.089159),
        DHJoint(a: -0.425, alpha: 0, d: 0),
        DHJoint(a: -0.39225, alpha: 0, d: 0),
        DHJoint(a: 0, alpha: .pi / 2, d: 0.10915),
        DHJoint(a: 0, alpha: -.pi / 2, d: 0.09465),
        DHJoint(a: 0, alpha: 0, d: 0.0823),
    ])

    /// A chain mixing joint kinds and offsets, to exercise every branch of the Jacobian.
    static let mixed = KinematicChain.denavitHartenberg([
        DHJoint(a: 0.1, alpha: .pi / 2, d: 0.3, offset: 0.2),
        DHJoint(a: 0.4, alpha: -0.3, d: 0.05, offset: 0.1, type: .prismatic),
        DHJoint(a: 0.2, alpha: 1.1, d: -0.1),
        DHJoint(a: 0, alpha: .pi / 2, d: 0.15, type: .prismatic),
    ])

    /// The tutorial's two-link arm and its three-link exercise.
    static let twoLink = KinematicChain.planar(linkLengths: [1, 0.8])
    static let threeLink = KinematicChain.planar(linkLengths: [1, 0.8, 0.6])
}
