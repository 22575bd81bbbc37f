import Solvers
import TestSupport
import Testing

@testable import JacobianAPI

/// Every place a solver can refuse a value, driven through the endpoint that feeds it, over HTTP: the 422 points
/// at the request's own field (issue #12). Each case names the solver's location, and the endpoint's mapping of
/// that location must give the pointer the response carries; for the few values the API's reader refuses before
/// the solver sees them, the two must still agree, so a client gets one pointer for one field whoever refuses it.
@Suite struct SolverErrorPointerTests {
    /// Iterations above the solvers' own limits (10,000), so that their check, not the reader's, refuses them.
    static let server = Result { try LiveServer(configuration: APIConfiguration(maxIterations: 20_000)) }

    static let function = #"{"type": "expression", "inputs": ["x", "y"], "outputs": ["x^2 + y^2 - 4", "x*y - 1"]}"#

    /// A /v1/newton body with `extra` fields after the function and point.
    static func newton(_ extra: String = "", point: String = "[2, 1]") -> String {
        #"{"function": \#(function), "point": \#(point)\#(extra)}"#
    }

    static let newtonCases: [(RootFindingInput, String, String)] = [
        (.point(index: nil), newton(point: "[2]"), "/point"),
        (.stepSize, newton(#", "step_size": 0"#), "/step_size"),
        (.maxIterations, newton(#", "max_iterations": 15000"#), "/max_iterations"),
        (.tolerance, newton(#", "tolerance": -1"#), "/tolerance"),
        (.stepTolerance, newton(#", "step_tolerance": -1"#), "/step_tolerance"),
        (.damping, newton(#", "damping": 0"#), "/damping"),
        // .point(index:) names a non-finite entry, which JSON cannot carry: see `everyNewtonLocationHasAField`.
    ]

    @Test(arguments: newtonCases)
    func newtonPointsAtTheField(location: RootFindingInput, body: String, pointer: String) throws {
        #expect(NewtonEndpoint.pointer(for: location) == pointer)
        try expectProblem(try Self.server.get().post("/v1/newton", body), pointer: pointer)
    }

    static let planar = #""arm": {"type": "planar", "link_lengths": [1, 1]}, "joint_angles": [0, 0]"#
    static let spatial = #""arm": {"type": "dh", "joints": [{"a": 1, "alpha": 0, "d": 0}, {"a": 1, "alpha": 0, "d": 0}]}, "joint_angles": [0, 0]"#
    static let notOrthonormal = #"{"position": [1, 1, 0], "orientation": {"matrix": [[2, 0, 0], [0, 1, 0], [0, 0, 1]]}}"#
    static let zeroQuaternion = #"{"position": [1, 1, 0], "orientation": {"quaternion": [0, 0, 0, 0]}}"#

    /// A /v1/ik body on the planar two-link arm reaching for [1, 1], with `extra` fields.
    static func ik(_ extra: String = "", arm: String = planar, target: String = #""target": [1, 1]"#) -> String {
        "{\(arm), \(target)\(extra)}"
    }

    static func dh(_ joints: String) -> String {
        #""arm": {"type": "dh", "joints": \#(joints)}, "joint_angles": [0]"#
    }

    static func urdf(base: String = "a", tip: String = "b", document: String? = nil) -> String {
        let robot = document ?? "<robot><link name='a'/><link name='b'/><joint name='j' type='revolute'><parent link='a'/><child link='b'/><limit lower='-1' upper='1'/></joint></robot>"
        return #""arm": {"type": "urdf", "urdf": "\#(robot)", "base": "\#(base)", "tip": "\#(tip)"}, "joint_angles": [0]"#
    }

    static let ikCases: [(KinematicsInput, String, String)] = [
        (.linkLengths(index: nil), ik(arm: #""arm": {"type": "planar", "link_lengths": []}, "joint_angles": []"#), "/arm/link_lengths"),
        (.linkLengths(index: 1), ik(arm: #""arm": {"type": "planar", "link_lengths": [1, -1]}, "joint_angles": [0, 0]"#), "/arm/link_lengths/1"),
        (.dhJoints, ik(arm: #""arm": {"type": "dh", "joints": []}, "joint_angles": []"#, target: #""target": [1, 1, 0]"#), "/arm/joints"),
        (.dhParameters(row: 0, column: .alpha), ik(arm: dh(#"[{"a": 1, "alpha": 1e10, "d": 0}]"#), target: #""target": [1, 0, 0]"#),
         "/arm/joints/0/alpha"),
        (.dhParameters(row: 0, column: .offset), ik(arm: dh(#"[{"a": 1, "alpha": 0, "d": 0, "offset": -1e10}]"#), target: #""target": [1, 0, 0]"#),
         "/arm/joints/0/offset"),
        (.urdf, ik(arm: urdf(document: "<robot><link name='a'/>"), target: #""target": [0, 0, 0]"#), "/arm/urdf"),
        (.base, ik(arm: urdf(base: "nowhere"), target: #""target": [0, 0, 0]"#), "/arm/base"),
        (.tip, ik(arm: urdf(tip: "nowhere"), target: #""target": [0, 0, 0]"#), "/arm/tip"),
        (.jointAngles(index: nil), ik(arm: #""arm": {"type": "planar", "link_lengths": [1, 1]}, "joint_angles": [0]"#), "/joint_angles"),
        (.jointAngles(index: 1), ik(arm: #""arm": {"type": "planar", "link_lengths": [1, 1]}, "joint_angles": [0, 1e10]"#), "/joint_angles/1"),
        (.target(.position(index: nil)), ik(target: #""target": [1, 1, 1, 1]"#), "/target"),
        (.target(.position(index: 0)), ik(target: #""target": [1e10, 1]"#), "/target/0"),
        (.target(.position(index: 1)), ik(target: #""target": {"position": [1, -1e10]}"#), "/target/position/1"),
        (.target(.orientation(nil)), ik(target: #""target": [1, 1, 1e10]"#), "/target/2"),
        (.target(.orientation(nil)), ik(target: #""target": {"position": [1, 1], "orientation": 1e10}"#), "/target/orientation"),
        (.target(.orientation(.matrix)), ik(arm: spatial, target: #""target": \#(notOrthonormal)"#), "/target/orientation/matrix"),
        (.target(.orientation(.quaternion)), ik(arm: spatial, target: #""target": \#(zeroQuaternion)"#),
         "/target/orientation/quaternion"),
        (.pathTarget(index: 1, .position(index: 0)), ik(target: #""targets": [[1, 1], [1e10, 1]]"#), "/targets/1/0"),
        (.pathTarget(index: 1, .orientation(nil)), ik(target: #""targets": [[1, 1], {"position": [1, 1], "orientation": 1e10}]"#),
         "/targets/1/orientation"),
        (.pathTarget(index: 1, .orientation(.quaternion)), ik(arm: spatial, target: #""targets": [[1, 1, 0], \#(zeroQuaternion)]"#),
         "/targets/1/orientation/quaternion"),
        (.targets, ik(target: #""targets": []"#), "/targets"),
        (.maxIterations, ik(#", "max_iterations": 15000"#), "/max_iterations"),
        (.tolerance, ik(#", "tolerance": -1"#), "/tolerance"),
        (.stepSize, ik(#", "step_size": 3"#), "/step_size"),
        (.restarts, ik(#", "restarts": 5000"#), "/restarts"),
        (.timeLimit, ik(#", "timeout_ms": 0"#), "/timeout_ms"),
        (.damping, ik(#", "damping": 0"#), "/damping"),
        (.jointLimits(row: nil, column: nil), ik(#", "joint_limits": [[0, 1]]"#), "/joint_limits"),
        (.jointLimits(row: 1, column: nil), ik(#", "joint_limits": [[0, 1], [1, 0]]"#), "/joint_limits/1"),
        (.jointLimits(row: 1, column: 0), ik(#", "joint_limits": [[0, 1], [-1e10, 0]]"#), "/joint_limits/1/0"),
        (.weights(index: nil), ik(#", "weights": [1]"#), "/weights"),
        (.weights(index: 1), ik(#", "weights": [1, -1]"#), "/weights/1"),
    ]

    @Test(arguments: ikCases)
    func ikPointsAtTheField(location: KinematicsInput, body: String, pointer: String) throws {
        let json = try JSONParser().parse(Array(body.utf8))
        #expect(Self.layout(of: json).pointer(for: location) == pointer)
        try expectProblem(try Self.server.get().post("/v1/ik", body), pointer: pointer)
    }

    /// Locations whose values JSON cannot carry (non-finite numbers) still map to a field of the request.
    @Test func locationsJSONCannotReachStillMapToFields() {
        #expect(NewtonEndpoint.pointer(for: .point(index: 1)) == "/point/1")
        let layout = IKRequestPointers(targets: [.init(at: "/target", isObject: true)])
        #expect(layout.pointer(for: .target(.orientation(.matrixEntry(row: 1, column: 2)))) == "/target/orientation/matrix/1/2")
        #expect(layout.pointer(for: .target(.orientation(.quaternionComponent(index: 3)))) == "/target/orientation/quaternion/3")
    }

    /// Where each target of a request body is, as `IKRequest` records it.
    static func layout(of body: JSONValue) -> IKRequestPointers {
        func pointers(_ value: JSONValue?, at pointer: String) -> IKRequestPointers.TargetPointers {
            let isObject = if case .object? = value { true } else { false }
            return .init(at: pointer, isObject: isObject)
        }
        if case .array(let items)? = body["targets"] {
            return IKRequestPointers(targets: items.indices.map { pointers(items[$0], at: "/targets/\($0)") })
        }
        return IKRequestPointers(targets: [pointers(body["target"], at: "/target")])
    }

    private func expectProblem(_ response: RawResponse, pointer: String,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(response.status == 422, "\(response.text)", sourceLocation: sourceLocation)
        let json = try response.json
        #expect(json["errors"]?[0]?["pointer"]?.string == pointer, "\(response.text)", sourceLocation: sourceLocation)
    }
}
