import Foundation
import Testing
@testable import Solvers

/// URDF arms: the UR5 fixture against its DH chain, and every refusal naming its element.
@Suite("URDF arms")
struct URDFTests {
    static let ur5URDF: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/ur5.urdf")
        return try! String(contentsOf: url, encoding: .utf8)
    }()

    static func ur5() throws -> URDFArm { try URDFArm(urdf: ur5URDF, base: "base", tip: "tool0") }

    @Test("the UR5 URDF reads as six revolute joints with ±2π limits")
    func readsTheUR5() throws {
        let arm = try Self.ur5()
        #expect(arm.jointNames == ["shoulder_pan_joint", "shoulder_lift_joint", "elbow_joint", "wrist_1_joint",
                                   "wrist_2_joint", "wrist_3_joint"])
        #expect(arm.limits == Array(repeating: [-2 * Double.pi, 2 * .pi], count: 6))
    }

    @Test("the UR5 URDF and the UR5 DH chain have the same forward kinematics, position and orientation")
    func forwardKinematicsAgree() throws {
        let urdf = try Self.ur5().chain
        var generator = SeededDoubles(seed: 3)
        for _ in 0..<50 {
            let q = (0..<6).map { _ in generator.next(in: -.pi ... .pi) }
            let a = try Robots.ur5.forwardKinematics(q), b = try urdf.forwardKinematics(q)
            #expect(zip(a.position, b.position).allSatisfy { abs($0 - $1) < 1e-12 }, "\(a.position) vs \(b.position)")
            #expect(zip(a.rotation!.entries, b.rotation!.entries).allSatisfy { abs($0 - $1) < 1e-12 })
        }
    }

    @Test("the same targets solved through the DH chain and through the URDF agree")
    func solutionsAgree() throws {
        let urdf = try Self.ur5()
        let start = [0.0, -1.5, 1.5, 0.0, 1.5, 0.0]
        var generator = SeededDoubles(seed: 5)
        for _ in 0..<20 {
            let q = (0..<6).map { _ in generator.next(in: -.pi ... .pi) }
            let pose = try Robots.ur5.forwardKinematics(q)
            let target = IKTarget.spatial(position: pose.position, orientation: pose.rotation)
            let options = IKOptions(method: .levenbergMarquardt, maxIterations: 300, jointLimits: urdf.limits)
            let dh = try solveIK(chain: Robots.ur5, jointAngles: start, target: target, options: options)
            let viaURDF = try solveIK(chain: urdf.chain, jointAngles: start, target: target, options: options)
            #expect(dh.converged && viaURDF.converged, "\(dh.message) / \(viaURDF.message)")
            #expect(dh.attempts == viaURDF.attempts)
            #expect(zip(dh.jointAngles, viaURDF.jointAngles).allSatisfy { abs($0 - $1) < 1e-5 },
                    "\(dh.jointAngles) vs \(viaURDF.jointAngles)")
        }
    }

    @Test("the URDF's Jacobian matches central differences of its forward kinematics, prismatic joints included")
    func jacobianMatchesDifferences() throws {
        let urdf = """
            <robot name="slide"><link name="a"/><link name="b"/><link name="c"/><link name="d"/>
            <joint name="turn" type="continuous"><parent link="a"/><child link="b"/><origin xyz="0.1 0 0.2" rpy="0.3 -0.2 0.1"/><axis xyz="0 1 1"/></joint>
            <joint name="slide" type="prismatic"><parent link="b"/><child link="c"/><origin xyz="0 0.3 0"/><axis xyz="1 0 0"/><limit lower="-0.5" upper="0.5"/></joint>
            <joint name="tilt" type="revolute"><parent link="c"/><child link="d"/><origin xyz="0 0 0.4" rpy="0 1 0"/><axis xyz="0 0 1"/><limit lower="-3" upper="3"/></joint>
            </robot>
            """
        let arm = try URDFArm(urdf: urdf, base: "a", tip: "d")
        #expect(arm.limits?[0] == [-KinematicChain.magnitudeLimit, KinematicChain.magnitudeLimit])
        #expect(arm.limits?[1] == [-0.5, 0.5])
        let q = [0.4, 0.2, -0.7]
        let jacobian = try arm.chain.jacobian(q)
        let h = 1e-6
        for j in 0..<3 {
            var plus = q, minus = q
            plus[j] += h
            minus[j] -= h
            let p = try arm.chain.forwardKinematics(plus).position, m = try arm.chain.forwardKinematics(minus).position
            for i in 0..<3 {
                #expect(abs((p[i] - m[i]) / (2 * h) - jacobian[i, j]) < 1e-8)
            }
        }
    }

    @Test("URDFs are read concurrently, as parallel requests do, with the same result")
    func concurrentReads() async throws {
        let expected = try Self.ur5().chain
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<50 where try URDFArm(urdf: Self.ur5URDF, base: "base", tip: "tool0").chain != expected {
                        return false
                    }
                    return true
                }
            }
            for try await same in group { #expect(same) }
        }
    }

    @Test("a long chain is read quickly and refused beyond 256 moving joints")
    func longChain() throws {
        let count = 5_000
        var urdf = "<robot name='snake'>" + (0...count).map { "<link name='l\($0)'/>" }.joined()
        urdf += (0..<count).map {
            "<joint name='j\($0)' type='continuous'><parent link='l\($0)'/><child link='l\($0 + 1)'/><origin xyz='0 0 0.01'/></joint>"
        }.joined() + "</robot>"
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: SolverInputError<KinematicsInput>.self) { try URDFArm(urdf: urdf, base: "l0", tip: "l\(count)") }
        }
        #expect(elapsed < .seconds(5), "took \(elapsed)")
        let short = try URDFArm(urdf: urdf, base: "l10", tip: "l266")
        #expect(short.chain.jointCount == 256 && short.limits == nil)
    }

    static let badDocuments: [(String, String, String, String, String)] = [
        ("malformed XML", "<robot name='x'><link name='a'></robot>", "a", "a", "malformed XML at line 1"),
        ("a DTD", "<!DOCTYPE robot [<!ENTITY x 'y'>]><robot/>", "a", "b", "DTD"),
        ("a root other than robot", "<model><link name='a'/></model>", "a", "b", "expected <robot>"),
        ("a missing base link", "<robot><link name='a'/></robot>", "nowhere", "a", "link 'nowhere' is not declared"),
        ("a missing tip link", "<robot><link name='a'/></robot>", "a", "nowhere", "link 'nowhere' is not declared"),
        ("a joint naming an undeclared link",
         "<robot><link name='a'/><joint name='j' type='fixed'><parent link='a'/><child link='ghost'/></joint></robot>",
         "a", "a", "joint 'j' (line 1): child link 'ghost' is not declared"),
        ("a branching chain (a link with two parents)",
         "<robot><link name='a'/><link name='b'/><link name='c'/>"
            + "<joint name='j1' type='continuous'><parent link='a'/><child link='c'/></joint>"
            + "<joint name='j2' type='continuous'><parent link='b'/><child link='c'/></joint></robot>",
         "a", "c", "link 'c' is the child of both joint 'j1'"),
        ("a disconnected chain",
         "<robot><link name='a'/><link name='b'/><link name='c'/>"
            + "<joint name='j' type='continuous'><parent link='b'/><child link='c'/></joint></robot>",
         "a", "c", "is not connected to base link 'a'"),
        ("an unsupported joint type",
         "<robot><link name='a'/><link name='b'/><joint name='float' type='floating'><parent link='a'/><child link='b'/></joint></robot>",
         "a", "b", "joint 'float' (line 1) has type 'floating'"),
        ("a revolute joint without limits",
         "<robot><link name='a'/><link name='b'/><joint name='r' type='revolute'><parent link='a'/><child link='b'/></joint></robot>",
         "a", "b", "joint 'r' (line 1) of type revolute needs <limit"),
        ("a malformed origin",
         "<robot><link name='a'/><link name='b'/><joint name='r' type='continuous'><parent link='a'/><child link='b'/><origin xyz='1 2'/></joint></robot>",
         "a", "b", "joint 'r' (line 1): <origin xyz>=\"1 2\" must be 3"),
        ("a zero axis",
         "<robot><link name='a'/><link name='b'/><joint name='r' type='continuous'><parent link='a'/><child link='b'/><axis xyz='0 0 0'/></joint></robot>",
         "a", "b", "joint 'r' (line 1) has a zero <axis>"),
        ("only fixed joints",
         "<robot><link name='a'/><link name='b'/><joint name='f' type='fixed'><parent link='a'/><child link='b'/></joint></robot>",
         "a", "b", "every joint between 'a' and 'b' is fixed"),
        ("a duplicate link", "<robot><link name='a'/><link name='a'/></robot>", "a", "a", "link 'a' (line 1) is declared twice"),
        ("a duplicate joint",
         "<robot><link name='a'/><link name='b'/><joint name='j' type='fixed'><parent link='a'/><child link='b'/></joint>"
            + "<joint name='j' type='fixed'><parent link='a'/><child link='b'/></joint></robot>",
         "a", "b", "joint 'j' (line 1) is declared twice"),
    ]

    @Test("each malformed URDF or chain is refused with a message naming the element", arguments: 0..<badDocuments.count)
    func refusals(index: Int) {
        let (what, urdf, base, tip, expected) = Self.badDocuments[index]
        do {
            _ = try URDFArm(urdf: urdf, base: base, tip: tip)
            Issue.record("\(what) was accepted")
        } catch let error as SolverInputError<KinematicsInput> {
            #expect(error.message.contains(expected), "\(what): \(error.message)")
            #expect([.urdf, .base, .tip].contains(error.location))
        } catch {
            Issue.record("\(what): unexpected \(error)")
        }
    }
}
