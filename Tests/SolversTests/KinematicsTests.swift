import Foundation
import JacobianEngine
import Testing
@testable import Solvers

/// The rotation vector of Ra·Rbᵀ: the small rotation taking frame b to frame a.
private func rotationDifference(_ a: Rotation, _ b: Rotation) -> [Double] {
    let ma = Matrix(rows: 3, columns: 3, storage: a.entries), mb = Matrix(rows: 3, columns: 3, storage: b.entries)
    return Rotation(unchecked: LinearAlgebra.multiply(ma, mb.transposed).storage).rotationVector
}

@Suite("Kinematics")
struct KinematicsTests {
    @Test("UR5 at joint zero: tool flange at (−0.81725, −0.19145, −0.005491), published pose")
    func ur5ZeroPose() throws {
        let pose = try Robots.ur5.forwardKinematics([0, 0, 0, 0, 0, 0])
        expectClose(pose.position, [-0.81725, -0.19145, 0.089159 - 0.09465], 1e-12)
        expectClose(Matrix(pose.rotation!.rows), Matrix([[1, 0, 0], [0, 0, -1], [0, 1, 0]]), 1e-12)
    }

    @Test("UR5 at a general configuration matches an independent 4×4 product (numpy)")
    func ur5GeneralPose() throws {
        let pose = try Robots.ur5.forwardKinematics([0.1, -1.2, 0.7, 0.3, -0.4, 2.0])
        expectClose(pose.position, [-0.464736940023983, -0.23251118381638092, 0.5741997983362624], 1e-12)
        expectClose(Matrix(pose.rotation!.rows), Matrix([
            [-0.17785394768460883, -0.8636349410138418, 0.4717018782589472],
            [-0.1807137947572458, -0.4425275178561068, -0.8783575128184135],
            [0.9673213001259904, -0.24146238754748386, -0.07736548146578164],
        ]), 1e-12)
    }

    @Test("the geometric Jacobian matches central differences of forward kinematics",
          arguments: [(Robots.ur5, [0.1, -1.2, 0.7, 0.3, -0.4, 2.0]), (Robots.mixed, [0.4, 0.2, -0.7, 0.05])])
    func jacobianMatchesFiniteDifferences(chain: KinematicChain, q: [Double]) throws {
        let jacobian = try chain.jacobian(q)
        let h = 1e-6
        for column in 0..<q.count {
            var plus = q, minus = q
            plus[column] += h
            minus[column] -= h
            let a = try chain.forwardKinematics(plus), b = try chain.forwardKinematics(minus)
            let linear = zip(a.position, b.position).map { ($0 - $1) / (2 * h) }
            let angular = rotationDifference(a.rotation!, b.rotation!).map { $0 / (2 * h) }
            let analytic = (0..<6).map { jacobian[$0, column] }
            expectClose(analytic, linear + angular, 1e-8)
        }
    }

    @Test("planar forward kinematics and Jacobian in closed form")
    func planar() throws {
        let pose = try Robots.twoLink.forwardKinematics([0.5, 0.5])
        expectClose(pose.position, Fixture.vector("app2_ik_step", "end_effector"), 1e-15)
        #expect(pose.angle == 1)
        let jacobian = try Robots.twoLink.jacobian([0.5, 0.5])
        expectClose(Matrix(Array(jacobian.rowArrays[0..<2])), Matrix(Fixture.matrix("app2_ik_step", "jacobian")), 1e-15)
        #expect(jacobian.rowArrays[2] == [1, 1])
        let points = try Robots.twoLink.jointPositions([0, .pi / 2])
        expectClose(points.flatMap { $0 }, [0, 0, 1, 0, 1, 0.8], 1e-15)
    }

    @Test("rotations from quaternions and rows; the logarithm recovers axis·angle, including near π")
    func rotations() throws {
        let half = 0.6 / 2
        let aboutZ = try Rotation(quaternion: [cos(half) * 3, 0, 0, sin(half) * 3])  // normalized first
        expectClose(aboutZ.rotationVector, [0, 0, 0.6], 1e-15)
        let nearPi = try Rotation(quaternion: [cos(3.1 / 2), sin(3.1 / 2) / sqrt(2), 0, sin(3.1 / 2) / sqrt(2)])
        expectClose(nearPi.rotationVector, [3.1 / sqrt(2), 0, 3.1 / sqrt(2)], 1e-12)
        expectClose(Rotation.identity.rotationVector, [0, 0, 0], 0)
        let rows = try Rotation(rows: aboutZ.rows)
        #expect(rows == aboutZ)
        #expect(throws: SolverInputError(RotationInput.matrix, "the matrix is not orthonormal (RᵀR differs from I by 3.0)")) {
            try Rotation(rows: [[2, 0, 0], [0, 1, 0], [0, 0, 1]])
        }
        #expect(throws: SolverInputError<RotationInput>.self) { try Rotation(rows: [[-1, 0, 0], [0, 1, 0], [0, 0, 1]]) }
        #expect(throws: SolverInputError<RotationInput>.self) { try Rotation(rows: [[1, 0], [0, 1]]) }
        #expect(throws: SolverInputError(RotationInput.quaternion, "the zero quaternion is not a rotation")) {
            try Rotation(quaternion: [0, 0, 0, 0])
        }
        #expect(throws: SolverInputError(RotationInput.quaternionComponent(index: 2), "must be a finite number")) {
            try Rotation(quaternion: [1, 0, .nan, 0])
        }
        #expect(throws: SolverInputError(RotationInput.matrixEntry(row: 1, column: 2), "must be a finite number")) {
            try Rotation(rows: [[1, 0, 0], [0, 1, .infinity], [0, 0, 1]])
        }
        #expect(throws: SolverInputError<RotationInput>.self) { try Rotation(quaternion: [1, 0, 0]) }
    }

    @Test("a chain with no joints or bad parameters is refused")
    func chainValidation() {
        #expect(throws: SolverInputError(KinematicsInput.linkLengths(index: nil), "the chain has no joints")) {
            try KinematicChain.planar(linkLengths: []).forwardKinematics([])
        }
        #expect(throws: SolverInputError<KinematicsInput>.self) { try KinematicChain.planar(linkLengths: [1, -1]).forwardKinematics([0, 0]) }
        #expect(throws: SolverInputError<KinematicsInput>.self) {
            try KinematicChain.denavitHartenberg([DHJoint(a: .nan, alpha: 0, d: 0)]).forwardKinematics([0])
        }
        #expect(throws: SolverInputError<KinematicsInput>.self) { try Robots.ur5.forwardKinematics([0, 0]) }
    }
}
