import Foundation
import Testing
@testable import JacobianAPI

/// /v1/ik over HTTP: restarts and their fields, paths, URDF arms, and the refusals each names.
@Suite struct IKRestartsPathsURDFTests {
    let server = LiveServer.shared

    static let ur5URDF: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/ur5.urdf")
        return try! String(contentsOf: url, encoding: .utf8)
    }()

    /// The URDF as a JSON string literal.
    static func quoted(_ text: String) -> String { String(decoding: JSONWriter.bytes(.string(text)), as: UTF8.self) }

    static let ur5Arm = #"{"type": "urdf", "urdf": \#(quoted(ur5URDF)), "base": "base", "tip": "tool0"}"#
    static let ur5DH = """
        {"type": "dh", "joints": [{"a": 0, "alpha": 1.5707963267948966, "d": 0.089159}, {"a": -0.425, "alpha": 0, "d": 0},
         {"a": -0.39225, "alpha": 0, "d": 0}, {"a": 0, "alpha": 1.5707963267948966, "d": 0.10915},
         {"a": 0, "alpha": -1.5707963267948966, "d": 0.09465}, {"a": 0, "alpha": 0, "d": 0.0823}]}
        """

    func problem(_ body: String) throws -> JSONValue {
        let response = try server.post("/v1/ik", body)
        #expect(response.status == 422, "\(response.text)")
        return try response.json
    }

    @Test func aSolveReportsItsAttemptsAndTheSameRequestGivesTheSameAnswer() throws {
        let body = """
            {"arm": {"type": "planar", "link_lengths": [1.0, 0.8]}, "joint_angles": [0.5, 0.5], "target": [2.5, 0.5],
             "method": "levenberg_marquardt", "max_iterations": 100, "restarts": 4}
            """
        let first = try server.post("/v1/ik", body), second = try server.post("/v1/ik", body)
        #expect(first.status == 200 && first.body == second.body)
        let json = try first.json
        #expect(json["attempts"]?.double == 5)
        #expect(json["status"]?.string == "unreachable")
        #expect(json["message"]?.string?.contains("Closest of 5 attempt(s)") == true)
    }

    @Test func restartsTimeoutAndPreferAreCheckedAndNamed() throws {
        let base = #""arm": {"type": "planar", "link_lengths": [1.0, 0.8]}, "joint_angles": [0.5, 0.5], "target": [1.5, 0.5]"#
        #expect(try problem("{\(base), \"restarts\": -1}")["errors"]?[0]?["pointer"]?.string == "/restarts")
        #expect(try problem("{\(base), \"restarts\": 1001}")["detail"]?.string?.contains("restartLimit") == true)
        let timeout = try problem("{\(base), \"timeout_ms\": 3600000}")
        #expect(timeout["errors"]?[0]?["pointer"]?.string == "/timeout_ms")
        #expect(timeout["detail"]?.string?.contains("computeTimeLimit") == true)
        #expect(try problem("{\(base), \"prefer\": \"closest\"}")["errors"]?[0]?["pointer"]?.string == "/prefer")
        let nearest = try server.post("/v1/ik", "{\(base), \"prefer\": \"nearest\", \"max_iterations\": 50, \"timeout_ms\": 200}")
        #expect(nearest.status == 200)
        #expect(try nearest.json["attempts"]?.double == 21)
    }

    @Test func timeoutMsIsHonoured() throws {
        // 200 joints, the slow transpose method and tolerance 0: the search can only end at its time limit.
        let lengths = Array(repeating: "0.01", count: 200).joined(separator: ", ")
        let angles = Array(repeating: "0.01", count: 200).joined(separator: ", ")
        let started = ContinuousClock.now
        let response = try server.post("/v1/ik", """
            {"arm": {"type": "planar", "link_lengths": [\(lengths)]}, "joint_angles": [\(angles)],
             "target": {"position": [0.5, 0.5], "orientation": 0.3}, "method": "transpose", "max_iterations": 10000,
             "tolerance": 0, "restarts": 1000, "timeout_ms": 100}
            """)
        let elapsed = ContinuousClock.now - started
        #expect(response.status == 200, "\(response.text)")
        #expect(try response.json["status"]?.string == "timeout")
        #expect(elapsed < .seconds(3), "took \(elapsed)")
    }

    @Test func anAbsurdStepSizeIsRefusedWithItsBound() throws {
        let json = try problem("""
            {"arm": {"type": "planar", "link_lengths": [1.0, 0.8]}, "joint_angles": [0.5, 0.5], "target": [1.5, 0.5],
             "step_size": 1e308, "max_iterations": 10}
            """)
        #expect(json["errors"]?[0]?["pointer"]?.string == "/step_size")
        #expect(json["detail"]?.string?.contains("at most 2") == true)
    }

    @Test func aQuaternionWhoseNormOverflowsIsNotTheIdentity() throws {
        let response = try server.post("/v1/ik", """
            {"arm": \(Self.ur5DH), "joint_angles": [0, 0, 0, 0, 0, 0],
             "target": {"position": [-0.81725, -0.19145, -0.005491], "orientation": {"quaternion": [1e308, 1e308, 1e308, 1e308]}},
             "method": "levenberg_marquardt", "max_iterations": 1}
            """)
        #expect(response.status == 200, "\(response.text)")
        let json = try response.json
        #expect(json["converged"] == .bool(false))
        #expect((json["orientation_error"]?.double ?? 0) > 1e-3)
    }

    @Test func aPathGivesOneResultPerTargetAndTheLargestJointChange() throws {
        let response = try server.post("/v1/ik", """
            {"arm": {"type": "planar", "link_lengths": [1.0, 0.8]}, "joint_angles": [0.5, 0.5],
             "targets": [[1.5, 0.5], [1.45, 0.55], [1.4, 0.6]], "method": "levenberg_marquardt", "max_iterations": 100}
            """)
        #expect(response.status == 200, "\(response.text)")
        let json = try response.json
        guard case .array(let results) = json["results"] else {
            Issue.record("no results: \(response.text)")
            return
        }
        #expect(results.count == 3)
        #expect(json["solved"]?.double == 3)
        #expect((json["largest_joint_change"]?.double ?? 1) < 0.2)
        #expect(json["largest_joint_change_at"]?["target"]?.double != nil)
        #expect(results.allSatisfy { $0["status"]?.string == "converged" && $0["attempts"]?.double == 1 })

        let svg = try server.post("/v1/ik", """
            {"arm": {"type": "planar", "link_lengths": [1.0, 0.8]}, "joint_angles": [0.5, 0.5],
             "targets": [[1.5, 0.5], [1.45, 0.55], [1.4, 0.6]], "method": "levenberg_marquardt", "max_iterations": 100}
            """, accept: "image/svg+xml")
        #expect(svg.status == 200)
        #expect(svg.header("Content-Type")?.hasPrefix("image/svg+xml") == true)
        #expect(svg.text.contains("class=\"target-path\"") && svg.text.contains("3 of 3 targets solved"))
        #expect(svg.text.hasPrefix("<svg") && svg.text.hasSuffix("</svg>\n"))
    }

    @Test func pathLimitsAreNamed() throws {
        let base = #""arm": {"type": "planar", "link_lengths": [1.0, 0.8]}, "joint_angles": [0.5, 0.5]"#
        let many = Array(repeating: "[1.5, 0.5]", count: 1_001).joined(separator: ", ")
        let tooMany = try problem("{\(base), \"targets\": [\(many)]}")
        #expect(tooMany["limit"]?.string == "maxPathTargets")
        #expect(tooMany["errors"]?[0]?["pointer"]?.string == "/targets")
        #expect(try problem("{\(base), \"targets\": []}")["errors"]?[0]?["pointer"]?.string == "/targets")
        #expect(try problem("{\(base), \"target\": [1, 1], \"targets\": [[1, 1]]}")["errors"]?[0]?["pointer"]?.string == "/target")
        #expect(try problem("{\(base), \"targets\": [[1, 1], [1]]}")["errors"]?[0]?["pointer"]?.string == "/targets/1")

        // A whole path is bounded by the server's computeTimeLimit.
        let slow = try LiveServer(configuration: APIConfiguration(computeTimeLimit: .milliseconds(50)))
        defer { slow.server.shutdown(deadline: .seconds(1)) }
        let lengths = Array(repeating: "0.01", count: 200).joined(separator: ", ")
        let angles = Array(repeating: "0.01", count: 200).joined(separator: ", ")
        let targets = Array(repeating: #"{"position": [0.5, 0.5], "orientation": 0.3}"#, count: 100).joined(separator: ", ")
        let response = try slow.post("/v1/ik", """
            {"arm": {"type": "planar", "link_lengths": [\(lengths)]}, "joint_angles": [\(angles)], "targets": [\(targets)],
             "method": "transpose", "max_iterations": 10000, "tolerance": 0}
            """)
        #expect(response.status == 422, "\(response.text)")
        #expect(try response.json["limit"]?.string == "computeTimeLimit")
    }

    @Test func theUR5URDFAndItsDHChainGiveTheSameSolution() throws {
        let target = #"{"position": [0.3, -0.2, 0.4], "orientation": {"quaternion": [0, 1, 0, 0]}}"#
        let settings = #""joint_angles": [0, -1.5, 1.5, 0, 1.5, 0], "method": "levenberg_marquardt", "max_iterations": 300"#
        let viaURDF = try server.post("/v1/ik", "{\"arm\": \(Self.ur5Arm), \"target\": \(target), \(settings)}")
        let limits = Array(repeating: "[-6.283185307179586, 6.283185307179586]", count: 6).joined(separator: ", ")
        let viaDH = try server.post("/v1/ik", "{\"arm\": \(Self.ur5DH), \"target\": \(target), \(settings), \"joint_limits\": [\(limits)]}")
        #expect(viaURDF.status == 200 && viaDH.status == 200, "\(viaURDF.text)")
        let a = try viaURDF.json, b = try viaDH.json
        #expect(a["status"]?.string == "converged" && b["status"]?.string == "converged")
        #expect(close(a["joint_angles"]?.doubles, b["joint_angles"]?.doubles, tolerance: 1e-5))
    }

    @Test func theReadmeURDFExampleCarriesTheFixture() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/examples/ur5-urdf-path.json")
        let body = try JSONParser().parse(Array(try Data(contentsOf: url)))
        #expect(body["arm"]?["urdf"]?.string == Self.ur5URDF, "docs/examples/ur5-urdf-path.json drifted from Tests/Fixtures/ur5.urdf")
    }

    @Test(arguments: [
        (#""urdf": "<robot><link name='a'/>", "base": "a", "tip": "a""#, "/arm/urdf", "malformed XML"),
        (#""urdf": "<robot><link name='a'/></robot>", "base": "b", "tip": "a""#, "/arm/base", "link 'b' is not declared"),
        (#""urdf": "<robot><link name='a'/></robot>", "base": "a", "tip": "z""#, "/arm/tip", "link 'z' is not declared"),
        (#""urdf": "<robot><link name='a'/><link name='b'/><joint name='p' type='planar'><parent link='a'/><child link='b'/></joint></robot>", "base": "a", "tip": "b""#,
         "/arm/urdf", "joint 'p' (line 1) has type 'planar'"),
    ])
    func urdfErrorsNameTheirElement(arm: String, pointer: String, detail: String) throws {
        let json = try problem(#"{"arm": {"type": "urdf", \#(arm)}, "joint_angles": [0], "target": [0, 0, 0]}"#)
        #expect(json["errors"]?[0]?["pointer"]?.string == pointer)
        #expect(json["detail"]?.string?.contains(detail) == true, "\(json)")
    }
}
